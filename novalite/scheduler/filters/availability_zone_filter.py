"""AvailabilityZoneFilter: only hosts in the availability zone the request names."""

from novalite.scheduler import filters


class AvailabilityZoneFilter(filters.BaseHostFilter):
    """Passes nodes whose availability zone is the request's; any node when it names none."""

    def host_passes(self, host_state, spec):
        return not spec.availability_zone or \
            host_state.availability_zone == spec.availability_zone

    def filter_all(self, host_states, spec):
        if not spec.availability_zone:
            return list(host_states)
        zone = spec.availability_zone
        return [state for state in host_states if state.availability_zone == zone]
