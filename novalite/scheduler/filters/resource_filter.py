"""ResourceFilter: only nodes with room for the flavor's vCPUs, RAM and disk."""

from novalite.scheduler import filters


class ResourceFilter(filters.BaseHostFilter):
    """Passes nodes where one server's resources fit under the claim limits.

    The limits are those of :mod:`novalite.db.claims` (allocation ratios and
    reserved host resources applied the same way), and the request's disk is
    root + ephemeral + swap rounded up to GiB, so a node this filter passes is
    one the claim accepts unless another worker filled it meanwhile.
    """

    def host_passes(self, host_state, spec):
        return host_state.fits(spec.resources)

    def filter_all(self, host_states, spec):
        # Inlined fits(): this filter sees every host of the cloud.
        need = spec.resources
        vcpus, memory_mb, disk_gb = need['vcpus'], need['memory_mb'], need['disk_gb']
        return [state for state in host_states
                if state.vcpus_used + vcpus <= state.vcpus_limit
                and state.memory_mb_used + memory_mb <= state.memory_mb_limit
                and state.local_gb_used + disk_gb <= state.disk_gb_limit]
