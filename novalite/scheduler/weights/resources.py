"""RAMWeigher, DiskWeigher, CPUWeigher: rank nodes by the resources left to claim.

"Free" is what a claim can still take: the claim limit (allocation ratio and
reserved resources applied, as in :mod:`novalite.db.claims`) minus the usage.
"""

from novalite.scheduler import weights


class RAMWeigher(weights.BaseHostWeigher):
    """More free RAM weighs more (``ram_weight_multiplier``)."""

    multiplier_option = 'ram_weight_multiplier'

    def weigh_object(self, host_state, spec):
        return host_state.free_ram_mb

    def weigh_objects(self, host_states, spec):
        return [state.memory_mb_limit - state.memory_mb_used for state in host_states]


class DiskWeigher(weights.BaseHostWeigher):
    """More free local disk weighs more (``disk_weight_multiplier``)."""

    multiplier_option = 'disk_weight_multiplier'

    def weigh_object(self, host_state, spec):
        return host_state.free_disk_gb

    def weigh_objects(self, host_states, spec):
        return [state.disk_gb_limit - state.local_gb_used for state in host_states]


class CPUWeigher(weights.BaseHostWeigher):
    """More free vCPUs weigh more (``cpu_weight_multiplier``)."""

    multiplier_option = 'cpu_weight_multiplier'

    def weigh_object(self, host_state, spec):
        return host_state.free_vcpus

    def weigh_objects(self, host_states, spec):
        return [state.vcpus_limit - state.vcpus_used for state in host_states]
