"""Options of the compute service: virt driver, host resources and periodic tasks."""

from oslo_config import cfg

compute_opts = [
    cfg.StrOpt('compute_driver',
               default='fake',
               choices=[('fake', 'In-memory hypervisor for tests and scale runs'),
                        ('libvirt', 'Real guests through libvirt and QEMU/KVM')],
               help="Which virt driver the compute service drives."),
    cfg.StrOpt('instances_path',
               default='$state_path/instances',
               help="""
Directory holding each instance's disks, console log and config drive, and
the ``_base`` image cache.
"""),
    cfg.StrOpt('default_availability_zone',
               default='nova',
               help="""
Availability zone of compute hosts that are not given one with
``[compute] availability_zone``; also the zone servers land in when the
request names none.
"""),
    cfg.BoolOpt('force_config_drive',
                default=False,
                help="Attach a config drive to every server, whatever the request says."),
    cfg.StrOpt('my_ip',
               default='127.0.0.1',
               help="IP address of this host on the management network."),
    cfg.BoolOpt('allow_resize_to_same_host',
                default=False,
                help="""
Let a resize land on the server's own host when the scheduler picks it.
Useful on a single-host cloud; a cold migration always changes host.
"""),
    cfg.IntOpt('shelved_offload_time',
               default=0,
               min=-1,
               help="""
Seconds a shelved server keeps its host before it is offloaded (its guest,
disks and claim freed; it then shows ``SHELVED_OFFLOADED``).

Possible values: ``0`` offloads at once, as part of the shelve; ``-1``
never offloads on its own (``shelveOffload`` still does); any other
number is checked every ``shelved_poll_interval`` seconds.
"""),
    cfg.IntOpt('shelved_poll_interval',
               default=3600,
               help="""
Seconds between two runs of the compute hosts' task that offloads servers
shelved longer than ``shelved_offload_time``; a negative value disables it.
"""),
    cfg.IntOpt('reclaim_instance_interval',
               default=0,
               help="""
Seconds a deleted server is kept before it is deleted for good (soft delete).

With a positive value, ``DELETE /servers/{id}`` of a server that has run
powers its guest off and leaves it ``SOFT_DELETED``: its owner may
``restore`` it (if the quota has room) or ``forceDelete`` it, and each
compute host deletes, every this many seconds, its soft-deleted servers
older than this. With 0 (the default) or less, a delete is immediate.
Set it alike on the API and the compute hosts.
"""),
    cfg.BoolOpt('instance_usage_audit',
                default=False,
                help="""
Have each compute host audit, once per ``instance_usage_audit_period``, the
servers that ran on it in the last completed period; the runs are what
``GET /os-instance_usage_audit_log`` reports (hosts that did not run show
in its ``hosts_not_run``).
"""),
    cfg.StrOpt('instance_usage_audit_period',
               default='month',
               help="""
The period the usage audit covers: ``hour``, ``day``, ``month`` or ``year``,
optionally with ``@N`` for the minute, hour, day of the month or month the
periods start at (``month@15``: from the 15th to the 15th).
"""),
]

compute_group_opts = [
    cfg.StrOpt('availability_zone',
               default=None,
               help="""
Availability zone of this compute host. Unset means
``[DEFAULT] default_availability_zone``.
"""),
    cfg.IntOpt('reserved_host_memory_mb',
               default=512,
               min=0,
               help="Memory (MiB) kept back for the host itself and never given to guests."),
    cfg.IntOpt('reserved_host_disk_mb',
               default=0,
               min=0,
               help="Disk (MiB) of the instances path kept back for the host itself."),
    cfg.IntOpt('reserved_host_cpus',
               default=0,
               min=0,
               help="Host CPUs kept back for the host itself."),
    cfg.FloatOpt('cpu_allocation_ratio',
                 default=4.0,
                 min=0.0,
                 help="""
Virtual CPUs per physical CPU that the scheduler may hand out. The claim
limit is ``(vcpus - reserved_host_cpus) * cpu_allocation_ratio``.
"""),
    cfg.FloatOpt('ram_allocation_ratio',
                 default=1.0,
                 min=0.0,
                 help="""
Overcommit factor for memory. The claim limit is
``(memory_mb - reserved_host_memory_mb) * ram_allocation_ratio``.
"""),
    cfg.FloatOpt('disk_allocation_ratio',
                 default=1.0,
                 min=0.0,
                 help="""
Overcommit factor for local disk. The claim limit is
``(local_gb - reserved_host_disk_mb / 1024) * disk_allocation_ratio``.
"""),
    cfg.IntOpt('block_device_allocate_retries',
               default=60,
               min=0,
               help="""
How many times a build checks whether a volume it asked for (from an image,
or blank) is ``available`` before it gives up and fails the build.

Related options: ``block_device_allocate_retries_interval``.
"""),
    cfg.FloatOpt('block_device_allocate_retries_interval',
                 default=3.0,
                 min=0.0,
                 help="""
Seconds between two checks of a volume a build is waiting for.

Related options: ``block_device_allocate_retries``.
"""),
    cfg.IntOpt('resource_report_interval',
               default=60,
               min=1,
               help="""
Seconds between two periodic reports of this host's resources to the
conductor. Resources are also reported at start and after every build or
delete.
"""),
    cfg.IntOpt('sync_power_state_interval',
               default=60,
               help="""
Seconds between two syncs of the power state recorded in the database with
the one the hypervisor reports. A negative value disables the sync.
"""),
    cfg.IntOpt('max_concurrent_builds',
               default=10,
               min=1,
               help="How many builds one compute service runs at once; the rest queue."),
    cfg.IntOpt('shutdown_operation_wait',
               default=30,
               min=0,
               help="""
Seconds a stopping compute service (SIGTERM) waits for its running builds
and actions to finish. Those still running then (a hypervisor call that
hangs) are cancelled as an expired task-state deadline cancels them: they
undo what they made, and the instance is left for the next start's recovery
or with a fault saying the host stopped; then the service stops. A delete is
never cancelled. So a stop takes at most about this long plus the undoing.

Related options:

* ``[DEFAULT] graceful_shutdown_timeout`` (oslo.service): the process exits
  at once past it, whatever is still running; keep it above this wait.
* ``[DEFAULT] task_state_deadlines``: the cancellation of a step that hangs
  while the service runs.
"""),
    cfg.IntOpt('max_concurrent_disk_ops',
               default=0,
               min=0,
               help="""
Image downloads into this host's image cache (for boots, rebuilds and
pre-caching, ``POST /os-aggregates/{id}/images``) that run at once; the rest
wait. Downloads compete for the disk and the network with running guests:
fewer at once keep those responsive. 0 means no limit.

Related options:

* ``[image_cache] precache_concurrency``: hosts pre-caching at once.
"""),
    cfg.IntOpt('shutdown_timeout',
               default=60,
               min=0,
               help="""
Seconds a guest gets to shut down cleanly on stop or soft reboot before it
is powered off hard. A guest that cannot take the request (paused behind
novalite's back) waits it out too, as one that ignores it does.
"""),
]


def register_opts(conf):
    conf.register_opts(compute_opts)
    conf.register_opts(compute_group_opts, group='compute')


def list_opts():
    return {'DEFAULT': compute_opts, 'compute': compute_group_opts}
