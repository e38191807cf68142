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
    cfg.IntOpt('long_rpc_timeout',
               default=1800,
               min=1,
               help="""
Seconds to wait for the answer of an RPC call that may take long, instead of
``rpc_response_timeout``: the conductor's call asking a compute host to
pre-cache images (``POST /os-aggregates/{id}/images``), which returns once
they are downloaded.

Related options:

* ``rpc_response_timeout``: every other call.
"""),
    cfg.IntOpt('periodic_interval',
               default=10,
               min=1,
               help="Seconds between two runs of a service's periodic task loop."),
    cfg.DictOpt('task_state_deadlines',
                default={'scheduling': '600', 'networking': '600', 'spawning': '1800',
                         'deleting': '600', 'default': '900'},
                help="""
Seconds an instance may stay in each task_state, as ``state:seconds`` pairs;
``default`` covers the states not listed (power actions, reboots, and those
features add).

A step past its deadline has stalled: the reaper of the service that owns it
(the conductor for ``scheduling`` and for instances whose compute host is
down, the compute host for its own) ends it. A build goes to ERROR, a delete
is finished, any other task is cleared back to the instance's stable state;
each with an instance fault naming the step that timed out. On a compute
host, the build, action, snapshot, rebuild, shelve, offload, unshelve or live
migration still running (a hypervisor call that hangs) is cancelled and undoes
what it made (the guest, the image; a live migration's job is ended and the
move rolled back, or completed if the guest had moved), so it does not go on
when the call returns; a delete is never cancelled.

Related options: ``task_state_grace``, ``reap_interval``,
``[conductor] build_recovery_timeout`` (which schedules a lost build again
well before ``scheduling`` times out).
"""),
    cfg.IntOpt('task_state_grace',
               default=60,
               min=1,
               help="""
Seconds a compute host lets one of its instances stand in a task_state with
no operation of its own in flight before it takes the task for lost (a
message or a persistence call lost to a broker or database outage) and
settles it: it finishes a build whose guest runs, hands back to the
conductor one that has no guest, completes a delete, and clears any other
task with a fault. Longer than a cast from the API takes to arrive.
"""),
    cfg.IntOpt('reap_interval',
               default=30,
               min=1,
               help="""
Seconds between two runs of the reapers that enforce ``task_state_deadlines``
and ``task_state_grace``.
"""),
]


def register_opts(conf):
    conf.register_opts(service_opts)


def list_opts():
    return {'DEFAULT': service_opts}
