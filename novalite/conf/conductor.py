"""Options of the conductor."""

from oslo_config import cfg

conductor_opts = [
    cfg.IntOpt('workers',
               default=1,
               min=1,
               help="Conductor worker processes; more take more builds at once."),
    cfg.IntOpt('abandoned_move_timeout',
               default=300,
               min=1,
               help="""
Seconds a migration record may stay in a running status while its server
runs no task before a conductor takes the move for abandoned (a host died in
the middle): the record becomes ``error`` and the server keeps only the claim
of the host it is on.
"""),
    cfg.IntOpt('build_recovery_timeout',
               default=120,
               min=1,
               help="""
Seconds an instance may stay in task_state ``scheduling`` before a conductor
takes it for lost (its conductor died mid-build, or the message was dropped)
and schedules it again. Must exceed the longest scheduling a healthy
conductor does.
"""),
    cfg.IntOpt('max_concurrent_schedules',
               default=4,
               min=1,
               help="""
Builds one conductor schedules at once: asks the scheduler for hosts, records
them and casts to the computes. Further builds wait their turn in arrival
order, which keeps a burst of requests first-come first-served and leaves the
conductor free to answer the compute hosts finishing earlier builds. The
scheduler shares one host-state refresh among the requests that arrive
together, so a few at once keep it busy.
"""),
    cfg.IntOpt('placement_wait_timeout',
               default=10,
               min=1,
               help="""
Seconds a create request waits for the conductor to place its servers before
the API answers anyway (the build stays queued, or is recovered). Waiting for
placement holds a burst of requests at the door while the cloud is behind,
so that each server's time to ACTIVE stays that of its own build rather than
growing with the length of a queue. Read by the API and the conductor.
"""),
]


def register_opts(conf):
    conf.register_opts(conductor_opts, group='conductor')


def list_opts():
    return {'conductor': conductor_opts}
