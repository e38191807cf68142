"""Options of the fake virt driver, an in-memory hypervisor for tests and scale runs."""

from oslo_config import cfg

fake_opts = [
    cfg.IntOpt('vcpus', default=16, min=1,
               help="Physical CPUs each fake node reports."),
    cfg.IntOpt('memory_mb', default=65536, min=1,
               help="Memory (MiB) each fake node reports."),
    cfg.IntOpt('local_gb', default=1024, min=1,
               help="Local disk (GiB) each fake node reports."),
    cfg.IntOpt('node_count', default=1, min=1,
               help="""
Number of hypervisor nodes one fake compute service reports. With more than
one, nodes are named ``<host>-<n>``; with one, the node is named after the
host. Used for scale runs with many nodes and few processes.
"""),
    cfg.ListOpt('fail_spawn_on_hosts', default=[],
                help="""
Hosts on which every spawn fails, to exercise rescheduling. Empty means
spawns never fail.
"""),
    cfg.FloatOpt('spawn_seconds', default=0.0, min=0.0,
                 help="Seconds a fake spawn takes, to widen windows in crash tests."),
    cfg.FloatOpt('snapshot_seconds', default=0.0, min=0.0,
                 help="Seconds a fake snapshot takes to capture the disk, to widen "
                      "windows in crash tests and to watch the task states go by."),
    cfg.FloatOpt('power_off_seconds', default=0.0, min=0.0,
                 help="Seconds a fake power off takes, as a guest slow to shut down "
                      "would: to widen windows and to hang a shelve or a stop in tests "
                      "of task-state deadlines."),
    cfg.IntOpt('live_migration_memory_mb', default=512, min=1,
               help="Guest memory a fake live migration copies, in MiB: the totals its "
                    "progress reports show."),
    cfg.FloatOpt('live_migration_step_seconds', default=0.2, min=0.0,
                 help="Seconds each tenth of a fake live migration takes; it can be "
                      "aborted or forced to complete between steps."),
]


def register_opts(conf):
    conf.register_opts(fake_opts, group='fake')


def list_opts():
    return {'fake': fake_opts}
