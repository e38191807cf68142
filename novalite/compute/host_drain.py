"""Starting a host drain from the API (beyond Nova): disable the host, queue its servers.

Live drains live-migrate what runs (active, paused) and cold-migrate what is
stopped; cold drains cold-migrate active and stopped servers. Servers in any
other state are skipped with the reason; one in the middle of a task waits
its turn. The conductor then runs the drain (:mod:`novalite.conductor.drain`),
which picks each server's move again when it starts it.
"""

from novalite import exception
from novalite.compute import api as compute_api
from novalite.compute import vm_states
from novalite.conf import CONF
from novalite.db import host_drains, instances, services

_MOVES = {
    'live': {vm_states.ACTIVE: 'live', vm_states.PAUSED: 'live', vm_states.STOPPED: 'cold'},
    'cold': {vm_states.ACTIVE: 'cold', vm_states.STOPPED: 'cold'},
}


def start(context, task_api, host, mode, max_outbound=None, max_parallel=None):
    """Record and start a drain of ``host``; returns the drain with its items.

    :raises ComputeHostNotFound: no compute service on ``host`` (404).
    :raises HostDrainInProgress: ``host`` is being drained already (409).
    """
    found = services.service_get_all(binary=compute_api.COMPUTE_BINARY, host=host)
    if not found:
        raise exception.ComputeHostNotFound(host=host)
    moves, skipped = plan(instances.instance_get_all_by_host(host), mode)
    drain = host_drains.drain_create(
        host, mode, max_outbound or CONF.migration.max_outbound_per_host,
        max_parallel or CONF.migration.max_parallel, moves, skipped)
    services.service_update(found[0]['id'], {
        'disabled': True, 'disabled_reason': f"Drained by {drain['uuid']}"})
    task_api.drain_host(context, drain['uuid'])
    return host_drains.drain_get(drain['uuid'])


def move_for(mode, server):
    """``live``, ``cold``, or None when a drain in ``mode`` cannot move ``server``."""
    return _MOVES[mode].get(server['vm_state'])


def unmovable(mode, server):
    return f"A {mode} drain moves no server in vm_state {server['vm_state']}."


def plan(servers, mode):
    """Which move each server gets (uuid -> live/cold), and why the others get none."""
    moves, skipped = {}, {}
    for server in servers:
        move = move_for(mode, server)
        if move is None:
            skipped[server['uuid']] = unmovable(mode, server)
        else:
            moves[server['uuid']] = move
    return moves, skipped
