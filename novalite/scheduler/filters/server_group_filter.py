"""ServerGroupAffinityFilter and ServerGroupAntiAffinityFilter: a group's hard policy.

A request for a server of a group (the ``group`` scheduler hint) carries
the group (``instance_group``: uuid, policy, rules). The hosts of its other
members are read once per request; the hosts this request has picked so far
(a multi-create) count too. The database claim re-checks the policy
atomically (:func:`novalite.db.server_groups.claim_respects_policy`), so
two schedulers racing cannot both place a member on the same host.
"""

from novalite.db import server_groups
from novalite.scheduler import filters


def member_hosts(spec):
    """``{host: members there}``: the group's placed servers plus this request's picks."""
    group = spec.instance_group
    placed = spec.memo(('group_hosts', group['uuid']), lambda: server_groups.member_hosts(
        group['uuid'], exclude=spec.instance_uuids))
    counts = dict(placed)
    for host in spec.picked_hosts:
        counts[host] = counts.get(host, 0) + 1
    return counts


class _GroupFilter(filters.BaseHostFilter):
    policy = None
    # A pick changes the answer for every host, not only the picked one.
    recheck_all_after_pick = True

    def _applies(self, spec):
        return bool(spec.instance_group) and spec.instance_group.get('policy') == self.policy

    def filter_all(self, host_states, spec):
        if not self._applies(spec):
            return list(host_states)
        hosts = member_hosts(spec)
        return [state for state in host_states if self._passes(state.host, hosts, spec)]

    def host_passes(self, host_state, spec):
        return not self._applies(spec) or self._passes(host_state.host, member_hosts(spec),
                                                       spec)


class ServerGroupAffinityFilter(_GroupFilter):
    """Passes only the host of the group's members; any host while none is placed."""

    policy = 'affinity'

    def _passes(self, host, hosts, spec):
        return not hosts or host in hosts


class ServerGroupAntiAffinityFilter(_GroupFilter):
    """Passes hosts with fewer than ``max_server_per_host`` (default 1) members."""

    policy = 'anti-affinity'

    def _passes(self, host, hosts, spec):
        limit = int((spec.instance_group.get('rules') or {}).get('max_server_per_host', 1))
        return hosts.get(host, 0) < limit
