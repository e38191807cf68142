"""``network_info``: the list of vif dicts virt drivers plug and describe to guests.

The shape is the one :mod:`novalite.virt.driver` documents; it is plain
dicts so that it crosses RPC as is.
"""

import ipaddress

DEVNAME_PREFIX = 'tap'
# Linux interface names are at most 15 characters: 'tap' + 11 of the port id.
_DEVNAME_ID_CHARS = 11


def devname(port_id):
    """Name of the host tap device of a port, as Nova names it."""
    return DEVNAME_PREFIX + port_id[:_DEVNAME_ID_CHARS]


def network_dict(network):
    """The ``network`` part of a vif from a network row dict."""
    return {'id': network['uuid'], 'label': network['label'], 'cidr': network['cidr'],
            'gateway': network['gateway'], 'dns': list(network['dns']),
            'mtu': network['mtu']}


def vif(fixed_ip, network):
    """One vif dict for a fixed IP held by an instance."""
    version = ipaddress.ip_address(fixed_ip['address']).version
    return {'id': fixed_ip['port_id'],
            'address': fixed_ip['mac_address'],
            'devname': devname(fixed_ip['port_id']),
            'bridge': network['bridge'],
            'network': network_dict(network),
            'ips': [{'address': fixed_ip['address'], 'version': version}]}


def fixed_addresses(info):
    """Every fixed IP address in a ``network_info``, in vif order."""
    return [ip['address'] for item in info for ip in item['ips']]
