"""The EC2-style metadata tree (``/<version>/meta-data/...``, ``/<version>/user-data``).

Nova keeps it for cloud-init's EC2 data source and older tools: a tree of
dicts rendered as text, a dict as its sorted keys (``key/`` when the key
holds a dict, or the dict's ``_name`` instead), a list as its lines, a
value as itself. ``public-keys/`` answers ``0=KEYNAME``, and
``public-keys/0/openssh-key`` the key.
"""

from novalite.metadata import content

VERSIONS = ('1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10', '2007-12-15',
            '2008-02-01', '2008-09-01', '2009-04-04')
LATEST = 'latest'


def _since(version, first):
    return VERSIONS.index(version) >= VERSIONS.index(first)


def first_ipv4(network_info):
    """The instance's first fixed IPv4 address, or ''."""
    return next((ip['address'] for vif in network_info for ip in vif['ips']
                 if ip.get('version', 4) == 4), '')


def tree(instance, version, udata, address=''):
    """The tree of EC2 metadata ``version`` for ``instance``.

    :param udata: the user data as bytes, or None for none.
    :param address: the address the request came from, for ``local-ipv4``
        when the instance holds no fixed IP.
    :raises KeyError: an unknown version.
    """
    if version == LATEST:
        version = VERSIONS[-1]
    elif version not in VERSIONS:
        raise KeyError(version)
    hostname = content.hostname(instance)
    groups = (instance.get('system_metadata') or {}).get('security_groups') or 'default'
    meta = {'ami-launch-index': int(instance.get('launch_index') or 0),
            'hostname': hostname,
            'instance-id': 'i-%08x' % instance['id'],
            'local-ipv4': first_ipv4(instance.get('network_info') or []) or address,
            'reservation-id': instance.get('reservation_id') or '',
            'security-groups': groups.split(',')}
    if instance.get('key_name'):
        meta['public-keys'] = {'0': {'_name': '0=' + instance['key_name'],
                                     'openssh-key': instance.get('key_data') or ''}}
    if _since(version, '2007-01-19'):
        meta.update({'local-hostname': hostname, 'public-hostname': hostname,
                     'public-ipv4': ''})
    if _since(version, '2007-08-29'):
        meta['instance-type'] = (instance.get('flavor') or {}).get('name', '')
    if _since(version, '2008-02-01'):
        meta['placement'] = {'availability-zone': instance.get('availability_zone') or ''}
    if _since(version, '2008-09-01'):
        meta['instance-action'] = 'none'
    data = {'meta-data': meta}
    if udata is not None:
        data['user-data'] = udata
    return data


def find(node, tokens):
    """The node at path ``tokens`` below ``node``. :raises KeyError: no such path."""
    for token in tokens:
        if not isinstance(node, dict) or token not in node:
            raise KeyError('/'.join(tokens))
        node = node[token]
    return node


def render(node):
    """A node as the metadata service answers it (bytes)."""
    if isinstance(node, bytes):
        return node
    if isinstance(node, dict):
        lines = [_listing_line(key, value) for key, value in sorted(node.items())
                 if key != '_name']
        return '\n'.join(lines).encode()
    if isinstance(node, list):
        return '\n'.join(node).encode()
    return str(node).encode()


def _listing_line(key, value):
    if isinstance(value, dict):
        return value.get('_name') or key + '/'
    return key
