"""ComputeFilter: only hosts whose compute service is enabled and up."""

from novalite import servicegroup
from novalite.scheduler import filters


class ComputeFilter(filters.BaseHostFilter):
    """Passes hosts with a compute service that is not disabled and heartbeats.

    Up means a heartbeat within ``[DEFAULT] service_down_time`` of the
    request's time and not forced down, as :func:`novalite.servicegroup.is_up`
    judges. A node whose host has no compute service row never passes.
    """

    def host_passes(self, host_state, spec):
        service = host_state.service
        if service is None or service['disabled']:
            return False
        return servicegroup.is_up(service, spec.now)
