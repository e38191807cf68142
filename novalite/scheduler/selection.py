"""Selecting and claiming destinations: filters, weighers, claims, alternates.

For each server of a request the :class:`FilterScheduler` keeps the hosts
that pass every filter, weighs them, picks one of the ``host_subset_size``
best and claims the server's resources there with one conditional UPDATE
(:func:`novalite.db.claims.claim`). A claim that loses a race with another
scheduler worker drops the host and picks again, up to ``claim_retries``
times. Each pick is consumed in the in-memory host state as soon as it is
chosen, so that the next server of a multi-create and the requests weighed
meanwhile see it, and a request is all-or-nothing: when a
server finds no host, the claims already made for the request are released
and :class:`~novalite.exception.NoValidHost` says what each filter removed.
"""

import random

from oslo_log import log as logging

from novalite import exception
from novalite.conf import CONF
from novalite.db import claims
from novalite.scheduler import filters as scheduler_filters
from novalite.scheduler import host_manager as scheduler_host_manager
from novalite.scheduler import request_spec as scheduler_request_spec
from novalite.scheduler import weights as scheduler_weights
from novalite.scheduler.filters import availability_zone_filter

LOG = logging.getLogger(__name__)


class FilterResults:
    """What removed hosts from a request, for the log and NoValidHost's reason."""

    def __init__(self, total):
        self.total = total
        self.ignored = 0
        self.not_forced = 0
        self.by_filter = {}
        self.refused_claims = 0

    def record(self, name, seen, removed):
        counts = self.by_filter.setdefault(name, [seen, 0])
        counts[1] += removed

    def reason(self):
        parts = ['There are not enough hosts available.']
        if not self.total:
            parts.append('No compute node is known.')
        if self.ignored:
            parts.append(f'{self.ignored} of {self.total} hosts were ignored '
                         f'(already tried).')
        if self.not_forced:
            parts.append(f'{self.not_forced} hosts were not among the forced hosts/nodes.')
        if self.by_filter:
            results = ', '.join(f'{name} removed {removed} of {seen} hosts'
                                for name, (seen, removed) in self.by_filter.items())
            parts.append(f'Filter results: {results}.')
        if self.refused_claims:
            parts.append(f'The database refused claims on {self.refused_claims} hosts '
                         f'(filled meanwhile by other schedulers, or forced hosts '
                         f'without room).')
        return ' '.join(parts)


def _selection(state, spec, claimed):
    return {'host': state.host, 'nodename': state.nodename, 'compute_node_id': state.node_id,
            'availability_zone': availability_zone_filter.host_zone(state, spec),
            'resources': dict(spec.resources), 'claimed': claimed}


class FilterScheduler:
    """Places servers on compute nodes; one per scheduler worker.

    :param conf: the configuration (``[scheduler]`` options).
    :param host_manager: the source of host states; default a new
        :class:`~novalite.scheduler.host_manager.HostManager`.
    :raises SchedulerHostFilterNotFound: an unknown name in ``enabled_filters``.
    :raises SchedulerWeigherNotFound: an unknown name in ``weighers``.
    """

    def __init__(self, conf=CONF, host_manager=None):
        self.conf = conf
        self.host_manager = host_manager or scheduler_host_manager.HostManager(conf)
        self.filters = scheduler_filters.load_filters(conf.scheduler.enabled_filters)
        self.weighers = scheduler_weights.load_weighers(conf.scheduler.weighers, conf)
        self._random = random.Random()

    def select_destinations(self, context, request_spec, instance_uuids=None,
                            return_alternates=True):
        """Claim a node for each server of ``request_spec``; return the selections.

        :param request_spec: the request spec dict (see
            :mod:`novalite.scheduler.request_spec`).
        :param instance_uuids: the servers, each the consumer of its claim.
            Without any, ``num_instances`` nodes are selected and nothing is
            claimed.
        :param return_alternates: add up to ``max_attempts - 1`` alternates.
        :returns: one list per server: its claimed selection first, then the
            alternates (not claimed). A selection is a dict of ``host``,
            ``nodename``, ``compute_node_id``, ``availability_zone``,
            ``resources`` (``vcpus``, ``memory_mb``, ``disk_gb``) and ``claimed``.
        :raises NoValidHost: some server found no host; nothing stays claimed.
        """
        spec = scheduler_request_spec.RequestSpec(request_spec, instance_uuids)
        states = self.host_manager.get_host_states()
        results = FilterResults(len(states))
        candidates = self._filter(self._restrict(states, spec, results), spec, results)
        picks, lost, weighed = [], set(), []
        try:
            for index in range(spec.num_instances):
                uuid = spec.instance_uuids[index] if spec.instance_uuids else None
                if picks:
                    candidates = self._recheck(candidates, picks[-1][1], lost, spec, results)
                weighed = scheduler_weights.weigh_hosts(self.weighers, candidates, spec)
                state = self._claim(uuid, weighed, lost, spec, results)
                if state is None:
                    LOG.info('No valid host for server %d of %d (%s): %s', index + 1,
                             spec.num_instances, uuid, results.reason())
                    raise exception.NoValidHost(reason=results.reason())
                picks.append((uuid, state))
                spec.picked_hosts.append(state.host)
        except BaseException:
            self._undo(picks, spec)
            raise
        if not spec.instance_uuids:
            # Nothing was claimed: the database will not bring these back.
            self._undo(picks, spec)
        return self._selections(picks, weighed, lost, spec, return_alternates)

    def _restrict(self, states, spec, results):
        """The hosts the request may use at all: not ignored, among the forced ones."""
        if spec.ignore_hosts:
            kept = [state for state in states if state.host not in spec.ignore_hosts]
            results.ignored = len(states) - len(kept)
            states = kept
        if spec.force_hosts or spec.force_nodes:
            kept = [state for state in states
                    if (not spec.force_hosts or state.host in spec.force_hosts)
                    and (not spec.force_nodes or state.nodename in spec.force_nodes)]
            results.not_forced = len(states) - len(kept)
            states = kept
        if spec.requested_host:
            kept = [state for state in states if state.host == spec.requested_host]
            results.not_forced = len(states) - len(kept)
            states = kept
        return states

    def _filter(self, states, spec, results):
        if spec.force_hosts or spec.force_nodes:
            # As in Nova, an admin forcing a host skips the filters; the claim
            # still refuses a node without room.
            LOG.debug('Forced hosts/nodes %s/%s: skipping filters',
                      sorted(spec.force_hosts), sorted(spec.force_nodes))
            return states
        for host_filter in self.filters:
            if not states:
                break
            passed = host_filter.filter_all(states, spec)
            results.record(host_filter.name, len(states), len(states) - len(passed))
            LOG.debug('Filter %s returned %d of %d hosts', host_filter.name, len(passed),
                      len(states))
            states = passed
        return states

    def _passes(self, state, spec, results):
        if spec.force_hosts or spec.force_nodes:
            return True
        for host_filter in self.filters:
            if not host_filter.filter_all([state], spec):
                results.record(host_filter.name, 0, 1)
                return False
        return True

    def _recheck(self, candidates, changed, lost, spec, results):
        """Candidates for the next server: only the last pick's node has changed.

        Except for the filters whose answer a pick changes for every host
        (server groups): those run over all the candidates again.
        """
        keep = self._passes(changed, spec, results)
        kept = [state for state in candidates
                if state.node_id not in lost and (keep or state is not changed)]
        if spec.force_hosts or spec.force_nodes:
            return kept
        for host_filter in self.filters:
            if host_filter.recheck_all_after_pick and kept:
                passed = host_filter.filter_all(kept, spec)
                results.record(host_filter.name, len(kept), len(kept) - len(passed))
                kept = passed
        return kept

    def _claim(self, uuid, weighed, lost, spec, results):
        """The claimed node among the best of ``weighed`` (its state consumed), or None."""
        subset_size = self.conf.scheduler.host_subset_size
        for _attempt in range(1 + self.conf.scheduler.claim_retries):
            subset = []
            for state in weighed:
                if state.node_id not in lost:
                    subset.append(state)
                    if len(subset) == subset_size:
                        break
            if not subset:
                return None
            state = subset[0] if len(subset) == 1 else self._random.choice(subset)
            if self._consume_and_claim(uuid, state, spec.resources, spec.instance_group):
                LOG.debug('Claimed %s on %s/%s', uuid, state.host, state.nodename)
                return state
            LOG.debug('Claim of %s on %s/%s lost a race; picking again', uuid, state.host,
                      state.nodename)
            lost.add(state.node_id)
            results.refused_claims += 1
        return None

    @staticmethod
    def _consume_and_claim(uuid, state, resources, group=None):
        # Counted before the claim goes to the database, so that the requests
        # this worker weighs meanwhile see the pick and spread.
        state.begin_claim(resources)
        claimed = False
        try:
            claimed = uuid is None or claims.claim(uuid, state.node_id, resources, group)
        finally:
            state.end_claim(resources, claimed)
        return claimed

    def _undo(self, picks, spec):
        """Release the claims of ``picks`` and give their resources back, newest first."""
        for uuid, state in reversed(picks):
            state.consume(spec.resources, -1)
            if uuid is None:
                continue
            try:
                claims.release(uuid, state.node_id)
            except Exception:
                # The conductor's heal of the node frees what is left behind.
                LOG.exception('Could not release the claim of %s on node %s', uuid,
                              state.node_id)

    def _selections(self, picks, weighed, lost, spec, return_alternates):
        alternates = []
        if return_alternates:
            wanted = self.conf.scheduler.max_attempts - 1
            # Alternates are other hosts: a build retried on the same host
            # would likely fail the same way.
            used_hosts = {state.host for _uuid, state in picks}
            for state in weighed:
                if len(alternates) >= wanted:
                    break
                if state.host in used_hosts or state.node_id in lost:
                    continue
                alternates.append(_selection(state, spec, False))
                used_hosts.add(state.host)
        return [[_selection(state, spec, uuid is not None), *alternates]
                for uuid, state in picks]
