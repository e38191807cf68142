"""The OpenStack-format metadata of an instance, per metadata version.

``meta_data.json``, ``user_data``, ``vendor_data.json``,
``network_data.json`` and ``vendor_data2.json``, each in the versions
that had it, as Nova's ``InstanceMetadata`` builds them for the config
drive and the metadata service alike. Pure: it reads the instance dict
and its network info cache, never the database, so compute hosts use it;
of the configuration only ``[api] dhcp_domain``, the hostname's suffix.
"""

import base64
import binascii
import ipaddress
import json
import os

from novalite import exception
from novalite.conf import CONF

# Metadata versions, oldest first, as Nova names them.
FOLSOM = '2012-08-10'
GRIZZLY = '2013-04-04'
HAVANA = '2013-10-17'
LIBERTY = '2015-10-15'
NEWTON_ONE = '2016-06-30'
NEWTON_TWO = '2016-10-06'
OCATA = '2017-02-22'
ROCKY = '2018-08-27'
VICTORIA = '2020-10-14'
VERSIONS = (FOLSOM, GRIZZLY, HAVANA, LIBERTY, NEWTON_ONE, NEWTON_TWO, OCATA, ROCKY,
            VICTORIA)
LATEST = 'latest'

# meta_data.json keys that appeared after Folsom, and the version that added them.
_KEYS_SINCE = {'random_seed': GRIZZLY, 'keys': LIBERTY, 'devices': NEWTON_ONE,
               'project_id': ROCKY, 'dedicated_cpus': VICTORIA}


def since(version, first):
    """Whether metadata ``version`` (a date or ``latest``) is ``first`` or later."""
    return version == LATEST or version >= first


def user_data(instance):
    """The instance's user data as bytes, or None.

    :raises InstanceDeployFailure: it is not valid base64 (the API validates it).
    """
    encoded = instance.get('user_data')
    if not encoded:
        return None
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise exception.InstanceDeployFailure(reason=f"user_data is not base64: {exc}") from exc


def hostname(instance, dhcp_domain=None):
    """The instance's hostname with the ``dhcp_domain`` suffix (default ``[api] dhcp_domain``).

    Nova's ``InstanceMetadata._get_hostname``: the suffix is appended
    whenever it is set, to a user's fully qualified hostname (2.94) too.
    """
    name = instance.get('hostname') or ''
    domain = CONF.api.dhcp_domain if dhcp_domain is None else dhcp_domain
    return f'{name}.{domain}' if domain else name


def key_type(public_key):
    """The type of the key pair ``public_key`` came from: ``x509`` or ``ssh``.

    The data tells it exactly: the API takes an ``x509`` key pair only as a
    PEM certificate and an ``ssh`` one only as an OpenSSH public key
    (:func:`novalite.crypto.fingerprint`), and the server keeps the key's
    data, so the type holds after the key pair is deleted.
    """
    return 'x509' if public_key.lstrip().startswith('-----BEGIN CERTIFICATE-----') else 'ssh'


def meta_data(instance, injected_files=(), admin_password=None, random_seed=None,
              dhcp_domain=None):
    """meta_data.json of the latest version, as a dict.

    :param dhcp_domain: the hostname's suffix; None: ``[api] dhcp_domain``.
    """
    key_name, key_data = instance.get('key_name'), instance.get('key_data')
    public_keys = {key_name: key_data} if key_name and key_data else {}
    data = {
        'uuid': instance['uuid'],
        'name': instance.get('display_name') or instance.get('hostname') or '',
        'hostname': hostname(instance, dhcp_domain),
        'launch_index': int(instance.get('launch_index') or 0),
        'availability_zone': instance.get('availability_zone'),
        'project_id': instance.get('project_id'),
        'meta': dict(instance.get('metadata') or {}),
        'public_keys': public_keys,
        'keys': [{'name': name, 'type': key_type(key), 'data': key}
                 for name, key in public_keys.items()],
        'files': [{'path': path, 'content_path': f'/content/{index:04d}'}
                  for index, (path, _content) in enumerate(injected_files)],
        'devices': [],
        'dedicated_cpus': [],
        'random_seed': base64.b64encode(random_seed or os.urandom(512)).decode(),
    }
    if admin_password:
        data['admin_pass'] = admin_password
    return data


def _meta_data_for(version, latest):
    return {key: value for key, value in latest.items()
            if key not in _KEYS_SINCE or since(version, _KEYS_SINCE[key])}


def network_data(network_info):
    """network_data.json: links, static IPv4 networks and DNS services."""
    links, networks, services = [], [], []
    for vif in network_info:
        net = vif.get('network') or {}
        links.append({'id': vif['devname'], 'vif_id': vif['id'], 'type': 'bridge',
                      'mtu': net.get('mtu'), 'ethernet_mac_address': vif['address']})
        dns = [{'type': 'dns', 'address': address} for address in net.get('dns') or []]
        services.extend(s for s in dns if s not in services)
        for ip in vif['ips']:
            if ip.get('version', 4) != 4:
                continue
            networks.append(_ipv4_network(len(networks), vif, net, ip['address'], dns))
    return {'links': links, 'networks': networks, 'services': services}


def _ipv4_network(index, vif, net, address, dns):
    subnet = ipaddress.IPv4Network(net['cidr'], strict=False)
    routes = []
    if net.get('gateway'):
        routes.append({'network': '0.0.0.0', 'netmask': '0.0.0.0',
                       'gateway': net['gateway']})
    return {'id': f'network{index}', 'type': 'ipv4', 'link': vif['devname'],
            'ip_address': address, 'netmask': str(subnet.netmask), 'routes': routes,
            'network_id': net.get('id'), 'services': dns}


def version_files(version, latest_meta, network, udata):
    """``{file name: bytes}`` of metadata ``version``.

    :param latest_meta: :func:`meta_data`'s dict, cut down here to the
        keys ``version`` had.
    :param network: :func:`network_data`'s dict.
    :param udata: :func:`user_data`'s bytes; None leaves ``user_data`` out.
    """
    out = {'meta_data.json': json.dumps(_meta_data_for(version, latest_meta)).encode()}
    if udata is not None:
        out['user_data'] = udata
    if since(version, HAVANA):
        out['vendor_data.json'] = b'{}'
    if since(version, LIBERTY):
        out['network_data.json'] = json.dumps(network).encode()
    if since(version, NEWTON_TWO):
        out['vendor_data2.json'] = b'{}'
    return out
