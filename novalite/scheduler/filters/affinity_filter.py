"""DifferentHostFilter and SameHostFilter: placement relative to named servers.

The ``different_host`` and ``same_host`` scheduler hints list server UUIDs;
the hosts of those servers are read from the database once per request.
"""

from novalite.db import instances as instances_db
from novalite.scheduler import filters


def _hosts_of(spec, hint):
    def lookup():
        uuids = spec.hint(hint)
        if not uuids:
            return None
        found = instances_db.instance_get_all({'uuids': uuids, 'deleted': False})
        return {instance['host'] for instance in found if instance['host']}
    return spec.memo(('hosts_of', hint), lookup)


class DifferentHostFilter(filters.BaseHostFilter):
    """Passes hosts running none of the servers of the ``different_host`` hint."""

    def host_passes(self, host_state, spec):
        hosts = _hosts_of(spec, 'different_host')
        return not hosts or host_state.host not in hosts

    def filter_all(self, host_states, spec):
        hosts = _hosts_of(spec, 'different_host')
        if not hosts:
            return list(host_states)
        return [state for state in host_states if state.host not in hosts]


class SameHostFilter(filters.BaseHostFilter):
    """Passes hosts running one of the servers of the ``same_host`` hint.

    When the hint names servers none of which has a host, no host passes.
    """

    def host_passes(self, host_state, spec):
        hosts = _hosts_of(spec, 'same_host')
        return hosts is None or host_state.host in hosts

    def filter_all(self, host_states, spec):
        hosts = _hosts_of(spec, 'same_host')
        if hosts is None:
            return list(host_states)
        return [state for state in host_states if state.host in hosts]
