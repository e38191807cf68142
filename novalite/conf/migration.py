"""Options of live and cold migration on the compute hosts."""

from oslo_config import cfg

default_opts = [
    cfg.IntOpt('max_concurrent_live_migrations',
               default=1,
               min=0,
               help="""
Live migrations this compute host runs out at once; the others wait with
their migration in status ``queued`` (abortable, API 2.65). 0 means no limit.
"""),
]

libvirt_opts = [
    cfg.StrOpt('live_migration_scheme',
               default='tcp',
               choices=['tcp', 'ssh', 'tls'],
               help="""
Transport of the libvirt URI (``qemu+SCHEME://ADDRESS/system``) a source
host uses to reach the destination's libvirtd for live migration and cold
disk transfer. ``tcp`` needs ``listen_tcp`` in the peer's libvirtd.conf.
"""),
    cfg.StrOpt('live_migration_inbound_addr',
               help="""
Address other hosts use to reach this host's libvirtd and its incoming
migration streams. Default: ``[DEFAULT] my_ip``.
"""),
    cfg.IntOpt('live_migration_bandwidth',
               default=0,
               min=0,
               help="Maximum bandwidth of a live migration in MiB/s; 0 is unlimited."),
    cfg.IntOpt('live_migration_downtime',
               default=500,
               min=100,
               help="""
Maximum downtime (ms) a live migration may end with. The allowed downtime
starts at a tenth of it and grows in ``live_migration_downtime_steps`` steps.
"""),
    cfg.IntOpt('live_migration_downtime_steps',
               default=10,
               min=3,
               help="Steps in which the allowed downtime grows to its maximum."),
    cfg.IntOpt('live_migration_downtime_delay',
               default=75,
               min=3,
               help="""
Seconds between two downtime steps, per GiB of guest RAM and disk to copy
(at least this many seconds).
"""),
    cfg.IntOpt('live_migration_completion_timeout',
               default=800,
               min=0,
               help="""
Seconds per GiB of guest RAM and disk to copy after which a live migration
that has not completed gets ``live_migration_timeout_action``. 0 disables.
"""),
    cfg.StrOpt('live_migration_timeout_action',
               default='abort',
               choices=['abort', 'force_complete'],
               help="""
What happens to a live migration past its completion timeout: ``abort``
cancels it (the guest stays on the source), ``force_complete`` switches to
post-copy when ``live_migration_permit_post_copy`` allows it, else pauses
the guest until the copy converges.
"""),
    cfg.BoolOpt('live_migration_permit_post_copy',
                default=False,
                help="""
Allow post-copy: a forced completion moves the guest's execution to the
destination at once and pulls the remaining memory from the source.
"""),
    cfg.FloatOpt('live_migration_progress_interval',
                 default=0.5,
                 min=0.1,
                 help="""
Seconds between two reads of a running live migration's job statistics;
each read is written to the migration record (progress bytes, remaining).
"""),
    cfg.StrOpt('disk_transfer',
               default='libvirt',
               choices=['libvirt', 'rsync'],
               help="""
How a cold migration or resize moves the guest's files to the destination,
which pulls them from the source: ``libvirt`` streams them from the source's
libvirtd (storage volume download over the same ``live_migration_scheme``
connection live migration uses; nothing else to set up); ``rsync`` runs
``rsync -S`` over ssh from the source's ``live_migration_inbound_addr``,
as Nova does (needs ssh keys between the compute hosts).
"""),
]


def register_opts(conf):
    conf.register_opts(default_opts)
    conf.register_opts(libvirt_opts, group='libvirt')


def list_opts():
    return {'DEFAULT': default_opts, 'libvirt': libvirt_opts}
