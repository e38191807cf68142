"""RPC version caps for rolling upgrades."""

from oslo_config import cfg

upgrade_levels_opts = [
    cfg.StrOpt('compute',
               help="""
Highest RPC API version sent to compute services. Set it to the oldest
compute's version while upgrading, so newer controllers never send a message
an older compute cannot handle. Unset means the newest this code knows.
"""),
    cfg.StrOpt('conductor',
               help="Highest RPC API version sent to conductor services. Unset means the newest."),
    cfg.StrOpt('scheduler',
               help="Highest RPC API version sent to scheduler services. Unset means the newest."),
    cfg.StrOpt('volume',
               help="Highest RPC API version sent to volume services. Unset means the newest."),
]


def register_opts(conf):
    conf.register_opts(upgrade_levels_opts, group='upgrade_levels')


def list_opts():
    return {'upgrade_levels': upgrade_levels_opts}
