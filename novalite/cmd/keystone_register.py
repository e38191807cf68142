"""``novalite-manage keystone-register``: put novalite in Keystone's service catalog.

Creates (or updates, so running it again is safe) a ``compute`` service and
its endpoints, one per interface, so that clients find the API through the
catalog; with ``--image-url``, an ``image`` service for ``novalite-image-api``
too, so that clients resolve image names (``openstack server create --image
NAME``); with ``--volume-public-url``, novalite-volume's Block Storage API
as ``block-storage`` (what openstacksdk looks up first) and ``volumev3``
(what older clients look up). It authenticates as an administrator the way the ``openstack``
client does: ``--os-auth-url``, ``--os-username``... or the ``OS_*``
environment variables. Needs keystoneauth1 (``pip install novalite[keystone]``).
"""

from novalite import exception

SERVICE_TYPE = 'compute'
IMAGE_SERVICE_TYPE = 'image'
INTERFACES = ('public', 'internal', 'admin')
# (type, name) of the Block Storage API's services, as devstack registers Cinder's.
VOLUME_SERVICES = (('block-storage', 'cinder'), ('volumev3', 'cinderv3'))
_DESCRIPTIONS = {SERVICE_TYPE: 'OpenStack Compute API (novalite)',
                 IMAGE_SERVICE_TYPE: 'OpenStack Image API v2 (novalite-image-api)',
                 **dict.fromkeys([t for t, _n in VOLUME_SERVICES],
                                 'OpenStack Block Storage API v3 (novalite-volume)')}


def add_arguments(parser):
    """The command's options, keystoneauth's ``--os-*`` authentication options among them."""
    from keystoneauth1 import loading
    parser.add_argument('--public-url', required=True,
                        help='the API as clients reach it, e.g. http://controller:8774/v2.1')
    parser.add_argument('--internal-url', help='the API for other services (default: public)')
    parser.add_argument('--admin-url', help='the API for administrators (default: public)')
    parser.add_argument('--region', default='RegionOne', help='region of the endpoints')
    parser.add_argument('--service-name', default='nova',
                        help="the service's name in the catalog (default nova, which tools "
                             "that look the compute service up by name expect)")
    parser.add_argument('--image-url',
                        help='also register novalite-image-api as the image service at this '
                             'URL (every interface), e.g. http://controller:9292')
    parser.add_argument('--image-service-name', default='glance',
                        help="the image service's name in the catalog (default glance)")
    parser.add_argument('--volume-public-url',
                        help="novalite-volume's Block Storage API as clients reach it, e.g. "
                             "http://storage:8776/v3 (default: not registered)")
    parser.add_argument('--volume-internal-url', help='(default: the volume public URL)')
    parser.add_argument('--volume-admin-url', help='(default: the volume public URL)')
    loading.register_session_argparse_arguments(parser)
    loading.register_auth_argparse_arguments(parser, [], default='password')


def _identity(args):
    from keystoneauth1 import adapter, loading
    auth = loading.load_auth_from_argparse_arguments(args)
    session = loading.load_session_from_argparse_arguments(args, auth=auth)
    return adapter.Adapter(session, service_type='identity', interface='public',
                           version=(3, 0), raise_exc=True)


def _service(identity, name, service_type=SERVICE_TYPE):
    found = [service for service in
             identity.get('/services', params={'type': service_type}).json()['services']
             if service['name'] == name]
    if found:
        return found[0]
    return identity.post('/services', json={'service': {
        'type': service_type, 'name': name, 'enabled': True,
        'description': _DESCRIPTIONS[service_type]}}).json()['service']


def _endpoint(identity, service, interface, url, region):
    found = identity.get('/endpoints', params={
        'service_id': service['id'], 'interface': interface, 'region_id': region,
    }).json()['endpoints']
    if not found:
        return identity.post('/endpoints', json={'endpoint': {
            'service_id': service['id'], 'interface': interface, 'url': url,
            'region_id': region, 'enabled': True}}).json()['endpoint']
    if found[0]['url'] != url:
        return identity.patch(f"/endpoints/{found[0]['id']}",
                              json={'endpoint': {'url': url}}).json()['endpoint']
    return found[0]


def _register(identity, service_type, name, urls, region):
    service = _service(identity, name, service_type)
    for interface in INTERFACES:
        endpoint = _endpoint(identity, service, interface, urls[interface], region)
        print(f"{service_type} {service['name']} {interface} {endpoint['url']}")


def register(args):
    """Create or update the service and its endpoints; prints what the catalog holds."""
    try:
        identity = _identity(args)
        urls = {'public': args.public_url, 'internal': args.internal_url or args.public_url,
                'admin': args.admin_url or args.public_url}
        _register(identity, SERVICE_TYPE, args.service_name, urls, args.region)
        if args.image_url:
            _register(identity, IMAGE_SERVICE_TYPE, args.image_service_name,
                      dict.fromkeys(INTERFACES, args.image_url), args.region)
        if args.volume_public_url:
            urls = {'public': args.volume_public_url,
                    'internal': args.volume_internal_url or args.volume_public_url,
                    'admin': args.volume_admin_url or args.volume_public_url}
            for service_type, name in VOLUME_SERVICES:
                _register(identity, service_type, name, urls, args.region)
    except ImportError:
        raise exception.NovaliteException(
            "keystone-register needs keystoneauth1: pip install 'novalite[keystone]'") from None
    except Exception as exc:  # noqa: BLE001 - keystoneauth's errors say what failed
        raise exception.NovaliteException(f"Keystone refused the registration: {exc}") \
            from None
