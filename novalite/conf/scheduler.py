"""Options of the scheduler: the filter and weigher pipeline, claims and rescheduling."""

from oslo_config import cfg

scheduler_opts = [
    cfg.ListOpt('enabled_filters',
                default=['ComputeFilter', 'AvailabilityZoneFilter', 'ResourceFilter',
                         'ImagePropertiesFilter', 'DifferentHostFilter', 'SameHostFilter',
                         'ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter'],
                help="""
Filters a host must pass, in this order, to be considered for a server. A
host that fails one filter is not shown to the next, so cheap and selective
filters belong first.

Possible values: names of classes of ``novalite.scheduler.filters``:

* ``ComputeFilter``: the host's compute service is up and not disabled.
* ``AvailabilityZoneFilter``: the host is in the availability zone the
  request names (any host when it names none): its aggregate's
  ``availability_zone``, else the zone its node reports.
* ``ResourceFilter``: the flavor's RAM, disk (root + ephemeral + swap) and
  vCPUs fit in what the node has left, with the node's allocation ratios
  and reserved resources applied exactly as the database claim applies them.
* ``ImagePropertiesFilter``: the node's hypervisor supports the image's
  ``hw_architecture``, ``img_hv_type``, ``hw_vm_mode`` and
  ``img_hv_requested_version``.
* ``DifferentHostFilter`` / ``SameHostFilter``: the ``different_host`` /
  ``same_host`` scheduler hints (lists of server UUIDs).
* ``AggregateInstanceExtraSpecsFilter`` (not on by default): the flavor's
  ``aggregate_instance_extra_specs:KEY`` (and unscoped) extra specs match
  the ``KEY`` metadata of one of the host's aggregates.
* ``ServerGroupAntiAffinityFilter`` / ``ServerGroupAffinityFilter``: the
  hard policy of the server group named by the ``group`` hint: fewer than
  ``max_server_per_host`` (default 1) members on the host, or only the host
  of the members. The database claim re-checks it, so without these filters
  a request still never breaks a policy, but may fail where another host fits.

or the dotted path of an out-of-tree class (``package.module.ClassName``)
deriving from ``novalite.scheduler.filters.BaseHostFilter``. An unknown name
stops the scheduler at start.

Related options: ``weighers``.
"""),
    cfg.ListOpt('weighers',
                default=['RAMWeigher', 'DiskWeigher', 'CPUWeigher', 'NumInstancesWeigher',
                         'ServerGroupSoftAffinityWeigher',
                         'ServerGroupSoftAntiAffinityWeigher'],
                help="""
Weighers that rank the hosts left after filtering. Each weigher's raw values
(for instance the free RAM of every host) are normalized to 0..1 across the
hosts, multiplied by the weigher's multiplier and summed; the host with the
highest sum wins. A weigher whose multiplier is 0 costs nothing.

Possible values: ``RAMWeigher``, ``DiskWeigher``, ``CPUWeigher`` (free RAM,
disk, vCPUs left under the allocation ratios), ``NumInstancesWeigher``
(servers on the node), ``ServerGroupSoftAffinityWeigher`` /
``ServerGroupSoftAntiAffinityWeigher`` (more / fewer members of the
request's ``soft-affinity`` / ``soft-anti-affinity`` server group on the
host), or the dotted path of a class deriving from
``novalite.scheduler.weights.BaseHostWeigher``. An unknown name stops the
scheduler at start.

Related options: ``*_weight_multiplier``.
"""),
    cfg.FloatOpt('ram_weight_multiplier', default=1.0,
                 help="""
Multiplier of the RAMWeigher. Positive spreads servers over the hosts with
the most free RAM; negative stacks them on the fullest hosts first.
"""),
    cfg.FloatOpt('disk_weight_multiplier', default=1.0,
                 help="""
Multiplier of the DiskWeigher. Positive spreads servers by free local disk;
negative stacks them.
"""),
    cfg.FloatOpt('cpu_weight_multiplier', default=1.0,
                 help="""
Multiplier of the CPUWeigher. Positive spreads servers by free vCPUs;
negative stacks them.
"""),
    cfg.FloatOpt('num_instances_weight_multiplier', default=0.0,
                 help="""
Multiplier of the NumInstancesWeigher. Positive prefers nodes with more
servers, negative nodes with fewer; 0 ignores the count. Counts are reloaded
every ``host_state_refresh_interval`` seconds and kept current in between for
the servers this scheduler worker places.
"""),
    cfg.FloatOpt('soft_affinity_weight_multiplier', default=1.0, min=0.0,
                 help="""
Multiplier of the ServerGroupSoftAffinityWeigher: how strongly a server of a
``soft-affinity`` group is drawn to the hosts already running members of its
group, against the other weighers. 0 ignores the policy.
"""),
    cfg.FloatOpt('soft_anti_affinity_weight_multiplier', default=1.0, min=0.0,
                 help="""
Multiplier of the ServerGroupSoftAntiAffinityWeigher: how strongly a server
of a ``soft-anti-affinity`` group is kept away from the hosts running members
of its group, against the other weighers. 0 ignores the policy.
"""),
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help="""
Pick the host randomly among this many best-weighed hosts instead of always
the best one. With several scheduler workers, a value above 1 makes two of
them rarely race for the same host (a lost race costs a re-pick, see
``claim_retries``), at the price of a slightly less optimal placement.
"""),
    cfg.IntOpt('max_attempts', default=3, min=1,
               help="""
How many hosts a server is tried on before its build gives up. The scheduler
returns that many hosts per server: the one it claimed and up to
``max_attempts - 1`` alternates (passing every filter, not claimed) which the
conductor claims in turn when a build fails on the host before.
"""),
    cfg.IntOpt('claim_retries', default=5, min=1,
               help="""
How many times the scheduler re-picks a host for a server whose claim lost a
race with another scheduler worker (the host filled up between the read of
its usage and the claim) before it gives up on that server; the request then
fails with NoValidHost, releasing the claims it made.
"""),
    cfg.IntOpt('host_state_refresh_interval', default=60, min=1,
               help="""
Seconds between two full reloads of the compute nodes, compute services and
per-node instance counts the scheduler keeps in memory. Between full
reloads, each request reads only the node and service rows created, updated
(claims update them too) or deleted since the previous read, which keeps a
request fast on large clouds. The full reload bounds how long a change made
by a worker whose clock lags behind can go unnoticed.
"""),
]


def register_opts(conf):
    conf.register_opts(scheduler_opts, group='scheduler')


def list_opts():
    return {'scheduler': scheduler_opts}
