"""Options of the flat network novalite manages."""

from oslo_config import cfg

network_opts = [
    cfg.StrOpt('bridge',
               default='br100',
               help="Linux bridge every server's vif is plugged into."),
]


def register_opts(conf):
    conf.register_opts(network_opts, group='network')


def list_opts():
    return {'network': network_opts}
