"""Options of the flat network novalite manages.

One IPv4 subnet on one Linux bridge per compute host: the conductor hands
out fixed addresses from ``cidr``; compute hosts create ``bridge`` and plug
each guest's tap into it.
"""

from oslo_config import cfg

network_opts = [
    cfg.StrOpt('bridge',
               default='br100',
               help="""
Linux bridge every server's vif is plugged into. Compute hosts create it
(``ip link add ... type bridge``) when the first guest is plugged; it must
be at most 15 characters long.
"""),
    cfg.StrOpt('bridge_interface',
               default=None,
               help="""
Host interface enslaved to the bridge as its uplink, so guests on several
compute hosts share one layer-2 segment. Unset leaves the bridge isolated:
guests reach each other and, with ``bridge_gateway_on_host``, this host.
"""),
    cfg.BoolOpt('bridge_gateway_on_host',
                default=True,
                help="""
Put the network's gateway address on the bridge of every compute host, so
guests can reach (ping) their gateway on the host they run on. Turn it off
when a real router on ``bridge_interface``'s segment owns the gateway.

Related options: ``gateway``, ``bridge_interface``.
"""),
    cfg.StrOpt('label',
               default='private',
               help="Name of the flat network, shown as the key of a server's addresses."),
    cfg.StrOpt('cidr',
               default='10.250.0.0/24',
               help="""
IPv4 subnet servers get fixed addresses from. The network and broadcast
addresses and the gateway are never handed out. Changing it after the first
server was created has no effect: the network row is created once.
"""),
    cfg.StrOpt('gateway',
               default=None,
               help="Gateway address of the subnet. Unset means its first host address."),
    cfg.ListOpt('dns_servers',
                default=[],
                help="""
Up to two DNS servers told to guests through the config drive's
``network_data.json``. Empty tells them none.
"""),
    cfg.IntOpt('mtu',
               default=None,
               min=68,
               help="""
MTU of the network, set on guests' taps and told to guests. Unset leaves the
Linux default (1500).
"""),
]


def register_opts(conf):
    conf.register_opts(network_opts, group='network')


def list_opts():
    return {'network': network_opts}
