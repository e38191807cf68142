"""Options of host drains (``novalite host-drain``), run by the conductor."""

from oslo_config import cfg

host_drain_opts = [
    cfg.IntOpt('max_outbound_per_host',
               default=2,
               min=1,
               help="""
Servers a host drain moves off its host at once (the default; a drain request
may ask for another). Each outbound move copies a guest's memory or disk over
the host's network, so a few at a time finish sooner than all at once.
"""),
    cfg.IntOpt('max_parallel',
               default=5,
               min=1,
               help="""
Moves all running host drains make at once across the cloud (the default; a
drain request may ask for another), so that draining several hosts does not
saturate the destinations or the network between them.
"""),
    cfg.FloatOpt('drain_poll_interval',
                 default=1.0,
                 min=0.05,
                 help="Seconds between a drain's looks at its moves' migration records."),
]


def register_opts(conf):
    conf.register_opts(host_drain_opts, group='migration')


def list_opts():
    return {'migration': host_drain_opts}
