"""Servers: create, list, show, update and delete.

Handlers validate the request, check policy and hand over to the compute
API, where the listing filters' meaning and who sees which server live
(:mod:`novalite.compute.instance_list`); ``all_tenants`` needs the admin
policy. Actions live in :mod:`novalite.api.server_actions`.
"""

import dataclasses
import ipaddress

from oslo_utils import uuidutils

from novalite import exception
from novalite.api import microversion, policy, server_view, trusted_certs, validation, wsgi
from novalite.api.policies import servers as rules
from novalite.api.schemas import servers as schemas
from novalite.compute import api as compute_api
from novalite.compute import block_device, instance_list
from novalite.compute import create as compute_create
from novalite.compute.create_request import CreateRequest
from novalite.conf import CONF
from novalite.db import services as db_services

COMPUTE = compute_api.API()


def _all_projects(ctx, params, detail):
    """Whether ``all_tenants`` asks for every project; checks the policy that allows it."""
    if 'all_tenants' not in params:
        return False
    if params['all_tenants'] != '' and not wsgi.parse_bool(params['all_tenants'],
                                                           'all_tenants'):
        return False
    policy.authorize(ctx, rules.DETAIL_ALL_TENANTS if detail else rules.INDEX_ALL_TENANTS)
    return True


_LIST_QUERIES = (('2.75', schemas.list_query_v275), ('2.73', schemas.list_query_v273),
                 ('2.66', schemas.list_query_v266), ('2.26', schemas.list_query_v226),
                 ('2.1', schemas.list_query))


def _list_query(req):
    """The query parameters this microversion knows; Nova drops the others before 2.75."""
    schema = next(schema for version, schema in _LIST_QUERIES
                  if microversion.is_supported(req, version))
    params = validation.query(req, schema)
    return {key: value for key, value in params.items() if key in schema['properties']}


def _statuses(req):
    """The ``status`` filters; from 2.38 one Nova does not know is a 400, not an empty list."""
    statuses = req.GET.getall('status')
    if microversion.is_supported(req, '2.38') and any(
            status.upper() not in instance_list.NOVA_STATUSES for status in statuses):
        raise exception.Invalid("Invalid status value")
    return statuses


def _search_opts(req, params):
    """The listing's filters as the compute read path takes them."""
    opts = dict(params, status=_statuses(req))
    image = params.get('image') or params.get('image_ref')
    opts['image'] = wsgi.id_from_ref(image) if image else None
    for flag in ('deleted', 'locked'):
        if params.get(flag):
            opts[flag] = wsgi.parse_bool(params[flag], flag)
    return opts


def _sort(req, params):
    sort_key = params.get('sort_key') or 'created_at'
    real_keys = {'locked'} if microversion.is_supported(req, '2.73') else set()
    if sort_key in schemas.IGNORED_SORT_KEYS and sort_key not in real_keys:
        sort_key = 'created_at'
    return sort_key, params.get('sort_dir') or 'desc'


def _columns(detail, view):
    if not detail:
        return 'basic'
    return 'extended' if view.shows_extended_v23 else 'detail'


def _list(req, detail):
    ctx = wsgi.context(req)
    policy.authorize(ctx, rules.DETAIL if detail else rules.INDEX)
    params = _list_query(req)
    sort_key, sort_dir = _sort(req, params)
    limit, marker = wsgi.limit_and_marker(params)
    view = server_view.ServerView(req)
    found = COMPUTE.get_all(ctx, _search_opts(req, params), _all_projects(ctx, params, detail),
                            limit=limit, marker=marker, sort_key=sort_key, sort_dir=sort_dir,
                            columns=_columns(detail, view),
                            user_filters=instance_list.USER_FILTERS_V283
                            if microversion.is_supported(req, '2.83')
                            else instance_list.USER_FILTERS)
    items = view.detail_list(found) if detail else [view.basic(i) for i in found]
    return wsgi.collection_response(req, view.links, 'servers', items, limit, detail)


@validation.query_schemas(*_LIST_QUERIES)
def index(req):
    return _list(req, detail=False)


@validation.query_schemas(*_LIST_QUERIES)
def detail(req):
    return _list(req, detail=True)


def get_instance(req, server_id, rule, read_deleted=False):
    """The server the URL names, if the caller may act on it (404/403 otherwise)."""
    ctx = wsgi.context(req)
    instance = COMPUTE.get(ctx, server_id, read_deleted=read_deleted)
    policy.authorize(ctx, rule, {'project_id': instance['project_id'],
                                 'user_id': instance['user_id']})
    return instance


def show(req, server_id):
    instance = get_instance(req, server_id, rules.SHOW)
    return wsgi.json_response({'server': server_view.ServerView(req).show(instance)})


def ips(req, server_id):
    instance = get_instance(req, server_id, rules.IPS)
    return wsgi.json_response({'addresses': server_view.addresses(instance['network_info'])})


def _requested_networks(server):
    networks = server.get('networks')
    if networks is None or isinstance(networks, str):
        return networks
    for network in networks:
        if not network.get('port') and not uuidutils.is_uuid_like(network.get('uuid')):
            raise exception.Invalid(
                f"Bad networks format: network uuid is not in proper format "
                f"({network.get('uuid')})")
    return [{key: network.get(key) for key in ('uuid', 'fixed_ip', 'port')}
            for network in networks]


def _ipv6(address):
    """An IPv6 address in its compressed form, as Nova stores it.

    The schema has checked it is one; a long spelling (leading zeros, an
    embedded IPv4) would not fit the 39-character column.
    """
    return str(ipaddress.IPv6Address(address)) if address else address


def _scheduler_hints(body):
    return body.get('os:scheduler_hints') or body.get('OS-SCH-HNT:scheduler_hints') or {}


def _create_request(req, body):
    server = body['server']
    disk_config = server.get('OS-DCF:diskConfig')
    if server.get('imageRef'):
        server = dict(server, imageRef=wsgi.id_from_ref(server['imageRef']))
    image_id, mappings = block_device.from_api(server)
    return CreateRequest(
        flavor_id=wsgi.id_from_ref(server['flavorRef']), image_id=image_id,
        block_device_mapping=mappings,
        name=server['name'], min_count=int(server.get('min_count', 1)),
        max_count=int(server.get('max_count') or server.get('min_count', 1)),
        metadata=server.get('metadata') or {}, user_data=server.get('user_data'),
        key_name=server.get('key_name'), availability_zone=server.get('availability_zone'),
        config_drive=wsgi.parse_bool(server.get('config_drive', False), 'config_drive'),
        scheduler_hints=_scheduler_hints(body),
        requested_networks=_requested_networks(server),
        admin_password=server.get('adminPass') or compute_create.generate_password(),
        description=server.get('description') if microversion.is_supported(req, '2.19')
        else server['name'],
        access_ip_v4=server.get('accessIPv4'), access_ip_v6=_ipv6(server.get('accessIPv6')),
        auto_disk_config=None if disk_config is None else disk_config == 'AUTO',
        security_groups=[group['name'] for group in server.get('security_groups') or []]
        or ['default'],
        tags=server.get('tags') or [], personality=server.get('personality') or [],
        hostname=server.get('hostname'))


def _requested_host(ctx, server):
    """The host that 2.74's ``host``/``hypervisor_hostname`` name, checked; or None.

    The scheduler restricts the build to that host and still runs its filters.
    A node is held to through its host: the libvirt driver has one node per
    host (the fake driver's several nodes of one host are not told apart).
    """
    host, node = server.get('host'), server.get('hypervisor_hostname')
    if not (host or node):
        return None
    policy.authorize(ctx, rules.REQUESTED_DESTINATION)
    if ':' in (server.get('availability_zone') or ''):
        raise exception.Invalid(
            "One mechanism with host and/or hypervisor_hostname and another mechanism with "
            "zone:host:node are mutually exclusive.")
    nodes = [found for found in db_services.compute_node_get_all(host=host)
             if node is None or found['hypervisor_hostname'] == node]
    if not nodes:
        raise exception.Invalid(f"Compute host {host or node} could not be found.")
    return nodes[0]['host']


def _check_hostname(req, server):
    """2.90: one server only may be given a host name (Nova's ambiguity rule)."""
    if server.get('hostname') and int(server.get('max_count') or
                                      server.get('min_count', 1)) > 1:
        raise exception.Invalid(
            "Unable to allocate a hostname to multiple instances. Please request a single "
            "instance or omit the hostname parameter.")


@validation.body(schemas.create, '2.0', '2.18')
@validation.body(schemas.create_v219, '2.19', '2.31')
@validation.body(schemas.create_v232, '2.32', '2.32')
@validation.body(schemas.create_v233, '2.33', '2.36')
@validation.body(schemas.create_v237, '2.37', '2.41')
@validation.body(schemas.create_v242, '2.42', '2.51')
@validation.body(schemas.create_v252, '2.52', '2.56')
@validation.body(schemas.create_v257, '2.57', '2.62')
@validation.body(schemas.create_v263, '2.63', '2.66')
@validation.body(schemas.create_v267, '2.67', '2.73')
@validation.body(schemas.create_v274, '2.74', '2.89')
@validation.body(schemas.create_v290, '2.90', '2.93')
@validation.body(schemas.create_v294, '2.94')
def create(req):
    ctx = wsgi.context(req)
    body = validation.load_body(req)
    server = body['server']
    policy.authorize(ctx, rules.CREATE)
    trusted_certs.refuse(ctx, server.get('trusted_image_certificates'),
                         rules.CREATE_TRUSTED_CERTS)
    if ':' in (server.get('availability_zone') or ''):
        policy.authorize(ctx, rules.FORCED_HOST)
    _check_hostname(req, server)
    request = dataclasses.replace(_create_request(req, body),
                                  requested_host=_requested_host(ctx, server))
    created, reservation_id = COMPUTE.create(ctx, request)
    if wsgi.parse_bool(server.get('return_reservation_id', False), 'return_reservation_id'):
        return wsgi.json_response({'reservation_id': reservation_id}, status=202)
    links = wsgi.Links(req)
    first = created[0]
    auto_disk = first['system_metadata'].get('auto_disk_config') == 'True'
    result = {'id': first['uuid'], 'links': links.resource('servers', first['uuid']),
              'OS-DCF:diskConfig': 'AUTO' if auto_disk else 'MANUAL',
              'security_groups': [{'name': name} for name in request.security_groups]}
    if CONF.api.enable_instance_password:
        result['adminPass'] = request.admin_password
    return wsgi.json_response({'server': result}, status=202,
                              headers={'Location': result['links'][0]['href']})


@validation.body(schemas.update, '2.0', '2.18')
@validation.body(schemas.update_v219, '2.19', '2.89')
@validation.body(schemas.update_v290, '2.90', '2.93')
@validation.body(schemas.update_v294, '2.94')
def update(req, server_id):
    instance = get_instance(req, server_id, rules.UPDATE)
    changes = validation.load_body(req)['server']
    values = {}
    if 'name' in changes:
        values['display_name'] = changes['name']
    if 'description' in changes:
        values['display_description'] = changes['description']
    if 'accessIPv4' in changes:
        values['access_ip_v4'] = changes['accessIPv4']
    if 'hostname' in changes:
        values['hostname'] = changes['hostname']
    if 'accessIPv6' in changes:
        values['access_ip_v6'] = _ipv6(changes['accessIPv6'])
    if 'OS-DCF:diskConfig' in changes:
        values['system_metadata'] = dict(
            instance['system_metadata'],
            auto_disk_config=str(changes['OS-DCF:diskConfig'] == 'AUTO'))
    if values:
        instance = COMPUTE.update(wsgi.context(req), instance, values)
    view = server_view.ServerView(req)
    # From 2.75 the answer is the server as GET shows it.
    shown = (view.show(instance) if microversion.is_supported(req, '2.75')
             else view.core(instance, one=True))
    return wsgi.json_response({'server': shown})


def delete(req, server_id):
    instance = get_instance(req, server_id, rules.DELETE)
    COMPUTE.delete_or_soft_delete(wsgi.context(req), instance)
    return wsgi.empty_response(204)
