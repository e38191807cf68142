"""AvailabilityZoneFilter: only hosts in the availability zone the request names.

A host's zone is that of its aggregate with ``availability_zone`` metadata,
else the one its node reports: the aggregates' zones are read once per
request.
"""

from novalite.db import aggregates
from novalite.scheduler import filters


def host_zone(state, spec):
    """The availability zone of ``state``'s host as of this request."""
    zones = spec.memo('aggregate_zones', aggregates.zones_by_host)
    return zones.get(state.host, state.availability_zone)


class AvailabilityZoneFilter(filters.BaseHostFilter):
    """Passes nodes whose availability zone is the request's; any node when it names none."""

    def host_passes(self, host_state, spec):
        return not spec.availability_zone or \
            host_zone(host_state, spec) == spec.availability_zone

    def filter_all(self, host_states, spec):
        if not spec.availability_zone:
            return list(host_states)
        zone = spec.availability_zone
        return [state for state in host_states if host_zone(state, spec) == zone]
