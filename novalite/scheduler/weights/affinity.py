"""Weighers of the soft server group policies: prefer, not require.

``soft-affinity`` prefers hosts with more members of the group,
``soft-anti-affinity`` hosts with fewer; a request for no such group weighs
every host the same.
"""

from novalite.scheduler import weights
from novalite.scheduler.filters import server_group_filter


class _SoftAffinityWeigherBase(weights.BaseHostWeigher):
    policy = None
    sign = 1

    def weigh_objects(self, host_states, spec):
        group = spec.instance_group
        if not group or group.get('policy') != self.policy:
            return [0] * len(host_states)
        hosts = server_group_filter.member_hosts(spec)
        return [self.sign * hosts.get(state.host, 0) for state in host_states]

    def weigh_object(self, host_state, spec):
        return self.weigh_objects([host_state], spec)[0]


class ServerGroupSoftAffinityWeigher(_SoftAffinityWeigherBase):
    """More members of the group on the host weigh more."""

    multiplier_option = 'soft_affinity_weight_multiplier'
    policy = 'soft-affinity'


class ServerGroupSoftAntiAffinityWeigher(_SoftAffinityWeigherBase):
    """Fewer members of the group on the host weigh more."""

    multiplier_option = 'soft_anti_affinity_weight_multiplier'
    policy = 'soft-anti-affinity'
    sign = -1
