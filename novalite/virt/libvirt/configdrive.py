"""The config drive: instance metadata on an ISO9660 image cloud-init reads.

Nova's layout, volume label ``config-2``, Joliet and Rock Ridge names:
``openstack/<version>/meta_data.json``, ``user_data``, ``vendor_data.json``,
``network_data.json`` and ``vendor_data2.json`` for every metadata version
that had the file, the same under ``openstack/latest``, and injected files
under ``openstack/content/``. Built in memory with pycdlib: no
genisoimage, no temporary tree on disk.
"""

import base64
import binascii
import io
import ipaddress
import json
import os

import pycdlib

from novalite import exception

VOLUME_LABEL = 'config-2'
FILE_NAME = 'disk.config'

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


def required(instance, conf):
    """Whether ``instance`` gets a config drive (asked for, or forced by config)."""
    return bool(instance.get('config_drive')) or conf.force_config_drive


def _since(version, first):
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


def meta_data(instance, injected_files=(), admin_password=None, random_seed=None):
    """meta_data.json of the latest version, as a dict."""
    key_name, key_data = instance.get('key_name'), instance.get('key_data')
    public_keys = {key_name: key_data} if key_name and key_data else {}
    data = {
        'uuid': instance['uuid'],
        'name': instance.get('display_name') or instance.get('hostname') or '',
        'hostname': instance.get('hostname') or '',
        'launch_index': int(instance.get('launch_index') or 0),
        'availability_zone': instance.get('availability_zone'),
        'project_id': instance.get('project_id'),
        'meta': dict(instance.get('metadata') or {}),
        'public_keys': public_keys,
        'keys': [{'name': k, 'type': 'ssh', 'data': v} for k, v in public_keys.items()],
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
            if key not in _KEYS_SINCE or _since(version, _KEYS_SINCE[key])}


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


def files(instance, network_info, injected_files=(), admin_password=None):
    """``{path on the drive: bytes}`` of every file of the config drive."""
    latest = meta_data(instance, injected_files, admin_password)
    net = json.dumps(network_data(network_info)).encode()
    udata = user_data(instance)
    out = {}
    for version in (*VERSIONS, LATEST):
        prefix = f'openstack/{version}/'
        out[prefix + 'meta_data.json'] = json.dumps(_meta_data_for(version, latest)).encode()
        if udata is not None:
            out[prefix + 'user_data'] = udata
        if _since(version, HAVANA):
            out[prefix + 'vendor_data.json'] = b'{}'
        if _since(version, LIBERTY):
            out[prefix + 'network_data.json'] = net
        if _since(version, NEWTON_TWO):
            out[prefix + 'vendor_data2.json'] = b'{}'
    for index, (_path, content) in enumerate(injected_files):
        out[f'openstack/content/{index:04d}'] = (
            content.encode() if isinstance(content, str) else bytes(content))
    return out


def write_iso(path, contents):
    """Write ``{relative path: bytes}`` as an ISO9660 image labelled ``config-2``."""
    iso = pycdlib.PyCdlib()
    # Level 4 keeps Nova's lower-case names in the plain ISO9660 tree too.
    iso.new(interchange_level=4, joliet=3, rock_ridge='1.09', vol_ident=VOLUME_LABEL)
    made = set()
    for rel in sorted(contents):
        parts = rel.split('/')
        for depth in range(1, len(parts)):
            _add_directory(iso, '/' + '/'.join(parts[:depth]), made)
        data = contents[rel]
        iso.add_fp(io.BytesIO(data), len(data), '/' + rel, rr_name=parts[-1],
                   joliet_path='/' + rel)
    iso.write(path)
    iso.close()


def _add_directory(iso, directory, made):
    if directory in made:
        return
    iso.add_directory(directory, rr_name=directory.rsplit('/', 1)[-1],
                      joliet_path=directory)
    made.add(directory)


def build(path, instance, network_info, injected_files=(), admin_password=None):
    """Build the config drive of ``instance`` at ``path``.

    :raises InstanceDeployFailure: the user data is not base64.
    """
    write_iso(path, files(instance, network_info, injected_files, admin_password))
