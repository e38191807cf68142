"""Options every daemon shares: identity of the host, heartbeat and periodic timing."""

import socket

from oslo_config import cfg

service_opts = [
    cfg.StrOpt('host',
               default=socket.gethostname(),
               sample_default='<current_hostname>',
               help="""
Name of this host as the other services know it.

The compute service listens on the RPC topic ``compute.<host>`` and its
compute nodes, instances and heartbeats are recorded under this name, so it
must be unique among compute hosts and stable across restarts.
"""),
    cfg.StrOpt('state_path',
               default='/var/lib/novalite',
               help="""
Top-level directory for novalite's state: the SQLite database of the
all-in-one mode, the local image store and the instances directory default
to paths under it.
"""),
    cfg.IntOpt('report_interval',
               default=10,
               min=1,
               help="""
Seconds between two heartbeats a service writes into the ``services`` table.

Related options: ``service_down_time`` must be larger, or services flap.
"""),
    cfg.IntOpt('service_down_time',
               default=60,
               min=1,
               help="""
A service whose last heartbeat is older than this many seconds is reported
``down``; the scheduler's ComputeFilter skips down compute hosts.
"""),
    cfg.IntOpt('periodic_interval',
               default=10,
               min=1,
               help="Seconds between two runs of a service's periodic task loop."),
]


def register_opts(conf):
    conf.register_opts(service_opts)


def list_opts():
    return {'DEFAULT': service_opts}
