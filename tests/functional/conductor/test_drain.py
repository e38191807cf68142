"""The conductor runs a host drain: limits, retries elsewhere, and the ending status.

The moves are a stand-in that records a migration per start with the outcome
the test scripts; the drain loop, its records and the database are real.
"""

import uuid

import pytest

from novalite import concurrency, context
from novalite.compute import host_drain
from novalite.conductor import drain as drain_task
from novalite.db import host_drains, instances, server_migrations, services

FLAVOR = {'flavorid': '1', 'name': 'small', 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
          'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}}


class ScriptedMoves:
    """Starts each move as a live migration record; ``outcomes`` pops its end status."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.started = []

    def live_migrate_instance(self, ctx, instance, avoid_hosts=()):
        self.started.append((instance['uuid'], list(avoid_hosts)))
        migration = server_migrations.migration_create(instance, 'live-migration',
                                                       dest_compute='dest1')
        status = self.outcomes.pop(0) if self.outcomes else 'running'
        instances.instance_update(instance['uuid'], {'task_state': None})
        return server_migrations.migration_update(migration['uuid'], {'status': status})


@pytest.fixture
def host(db):
    service = services.service_get_or_create('src', 'novalite-compute', 'compute')
    services.service_heartbeat(service['id'])
    return 'src'


class NoCasts:
    def drain_host(self, ctx, drain_uuid):
        pass


def _servers(count, host='src'):
    return instances.instances_create([{
        'uuid': str(uuid.uuid4()), 'project_id': 'p', 'user_id': 'u', 'hostname': 'vm',
        'display_name': f'vm{n}', 'image_ref': 'img', 'flavor': FLAVOR, 'memory_mb': 512,
        'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0, 'vm_state': 'active',
        'task_state': None, 'host': host, 'node': host, 'instance_type_id': 1}
        for n in range(count)])


def _start(host='src', max_outbound=2, max_parallel=5):
    return host_drain.start(context.get_admin_context(), NoCasts(), host, 'live',
                            max_outbound, max_parallel)


def _task(moves):
    return drain_task.DrainTask(moves, compute=None, pool=concurrency.GreenPool())


def test_no_more_than_max_outbound_start_in_one_step(host):
    _servers(5)
    drain = _start(max_outbound=2)
    moves = ScriptedMoves([])
    assert _task(moves)._step(context.get_admin_context(), drain['uuid']) is True
    assert len(moves.started) == 2
    assert host_drains.drain_get(drain['uuid'])['status'] == 'running'


def test_the_cloud_wide_limit_counts_every_running_drain(host):
    _servers(3)
    first = _start(max_outbound=2, max_parallel=3)
    _task(ScriptedMoves([]))._step(context.get_admin_context(), first['uuid'])
    services.service_get_or_create('other', 'novalite-compute', 'compute')
    _servers(2, host='other')
    second = _start(host='other', max_outbound=2, max_parallel=3)
    moves = ScriptedMoves([])
    _task(moves)._step(context.get_admin_context(), second['uuid'])
    assert len(moves.started) == 1


def test_completed_moves_end_the_drain_completed(host):
    _servers(2)
    drain = _start()
    task = _task(ScriptedMoves(['completed', 'completed']))
    ctx = context.get_admin_context()
    task._step(ctx, drain['uuid'])
    assert task._step(ctx, drain['uuid']) is False
    ended = host_drains.drain_get(drain['uuid'])
    assert ended['status'] == 'completed' and ended['finished_at']
    assert {item['status'] for item in ended['items']} == {'completed'}


def test_a_failed_move_is_retried_once_away_from_where_it_failed_then_fails(host):
    [server] = _servers(1)
    drain = _start()
    moves = ScriptedMoves(['error', 'error'])
    task = _task(moves)
    ctx = context.get_admin_context()
    for _ in range(4):
        task._step(ctx, drain['uuid'])
    assert moves.started == [(server['uuid'], []), (server['uuid'], ['dest1'])]
    ended = host_drains.drain_get(drain['uuid'])
    assert ended['status'] == 'failed'
    [item] = ended['items']
    assert (item['status'], item['attempts']) == ('failed', 2)
    assert 'ended error' in item['message']


def test_a_second_conductor_does_not_run_a_claimed_drain(host, conf):
    _servers(1)
    drain = _start()
    assert host_drains.drain_claim(drain['uuid'], 'conductor-a')
    assert not host_drains.drain_claim(drain['uuid'], 'conductor-b')
    assert host_drains.drain_claim(drain['uuid'], 'conductor-a')


def test_a_busy_server_waits_without_taking_a_slot(host):
    [busy, idle] = _servers(2)
    instances.instance_update(busy['uuid'], {'task_state': 'rebooting'})
    drain = _start(max_outbound=1)
    moves = ScriptedMoves([])
    _task(moves)._step(context.get_admin_context(), drain['uuid'])
    assert moves.started == [(idle['uuid'], [])]
    items = {i['instance_uuid']: i for i in host_drains.drain_get(drain['uuid'])['items']}
    assert (items[busy['uuid']]['status'], items[busy['uuid']]['attempts']) == ('queued', 0)
    assert items[busy['uuid']]['message'] == 'Waiting for task_state rebooting to end.'


def test_a_move_lost_with_its_conductor_is_retried_once_the_server_is_idle(host):
    [server] = _servers(1)
    drain = _start()
    [item] = host_drains.drain_get(drain['uuid'])['items']
    assert host_drains.item_take_slot(host_drains.drain_get(drain['uuid']), item['id'])
    moves = ScriptedMoves(['completed'])
    task = _task(moves)
    ctx = context.get_admin_context()
    task._step(ctx, drain['uuid'])
    task._step(ctx, drain['uuid'])
    assert moves.started == [(server['uuid'], [])]
    [item] = host_drains.drain_get(drain['uuid'])['items']
    assert (item['status'], item['attempts']) == ('completed', 2)
