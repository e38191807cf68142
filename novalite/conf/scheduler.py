"""Options of the scheduler: the filter and weigher pipeline and rescheduling."""

from oslo_config import cfg

scheduler_opts = [
    cfg.ListOpt('enabled_filters',
                default=['ComputeFilter', 'AvailabilityZoneFilter', 'ResourceFilter',
                         'ImagePropertiesFilter', 'DifferentHostFilter', 'SameHostFilter'],
                help="""
Filters a host must pass, in order, to be considered for a server. Names are
classes of ``novalite.scheduler.filters``: ComputeFilter (service up and
enabled), AvailabilityZoneFilter, ResourceFilter (RAM, disk and vCPU fit,
honouring allocation ratios and reserved resources), ImagePropertiesFilter,
DifferentHostFilter and SameHostFilter (scheduler hints).
"""),
    cfg.ListOpt('weighers',
                default=['RAMWeigher', 'DiskWeigher', 'CPUWeigher', 'NumInstancesWeigher'],
                help="""
Weighers that rank the hosts left after filtering. Each weigher's values are
normalized to 0..1, multiplied by its multiplier and summed.
"""),
    cfg.FloatOpt('ram_weight_multiplier', default=1.0,
                 help="Positive spreads servers by free RAM; negative stacks them."),
    cfg.FloatOpt('disk_weight_multiplier', default=1.0,
                 help="Positive spreads servers by free disk; negative stacks them."),
    cfg.FloatOpt('cpu_weight_multiplier', default=1.0,
                 help="Positive spreads servers by free vCPUs; negative stacks them."),
    cfg.FloatOpt('num_instances_weight_multiplier', default=0.0,
                 help="""
Positive prefers hosts with more instances; negative prefers hosts with
fewer. 0 ignores the count.
"""),
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help="""
Pick randomly among this many best-weighed hosts, which lowers contention
between several scheduler workers.
"""),
    cfg.IntOpt('max_attempts', default=3, min=1,
               help="""
How many hosts a server is tried on before its build gives up. The scheduler
returns that many hosts per server: the chosen one and its alternates.
"""),
    cfg.IntOpt('claim_retries', default=5, min=1,
               help="""
How many times the scheduler re-picks a host for a server whose claim lost a
race with another scheduler worker before it gives up on that server.
"""),
]


def register_opts(conf):
    conf.register_opts(scheduler_opts, group='scheduler')


def list_opts():
    return {'scheduler': scheduler_opts}
