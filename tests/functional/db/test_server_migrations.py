"""Migration records and the claims a move holds on both hosts."""

import datetime

import pytest
import sqlalchemy as sa

from novalite import exception
from novalite.db import claims, engine, instances, models, server_migrations, services


def _node(host):
    services.service_get_or_create(host, 'novalite-compute', 'compute')
    return services.compute_node_report(host, host, {
        'hypervisor_type': 'fake', 'availability_zone': 'nova', 'vcpus': 4,
        'memory_mb': 4096, 'local_gb': 40})


def _server_on(node, **values):
    [server] = instances.instances_create([dict({
        'uuid': '11111111-2222-4333-8444-555555555555', 'project_id': 'p', 'user_id': 'u',
        'flavor': {}, 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
        'vm_state': 'active', 'host': node['host'], 'node': node['hypervisor_hostname'],
        'instance_type_id': 1}, **values)])
    claims.claim(server['uuid'], node['id'], {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1})
    return server


def _age(migration_uuid):
    table = models.Migration.__table__
    with engine.writer() as session:
        session.execute(sa.update(table).where(table.c.uuid == migration_uuid).values(
            updated_at=datetime.datetime(2020, 1, 1)))


def _holders(node):
    return sorted(a['consumer_id'] for a in claims.allocations_get_by_node(node['id']))


def test_a_move_holds_the_source_under_its_record_until_it_settles(db):
    source, dest = _node('src'), _node('dst')
    server = _server_on(source)
    migration = server_migrations.migration_create(server, 'migration', 'dst', 'dst')
    server_migrations.hold_source_claim(migration)
    claims.claim(server['uuid'], dest['id'], {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1})
    assert _holders(source) == [migration['uuid']] and _holders(dest) == [server['uuid']]

    server_migrations.settle_claims(migration['uuid'], 'source')
    server_migrations.settle_claims(migration['uuid'], 'source')
    assert _holders(source) == [server['uuid']] and _holders(dest) == []


def test_the_heal_of_a_node_keeps_a_running_moves_claim(db):
    source = _node('src')
    server = _server_on(source)
    migration = server_migrations.migration_create(server, 'migration', 'dst', 'dst')
    server_migrations.hold_source_claim(migration)
    assert claims.heal_node(source['id']) == []
    server_migrations.migration_update(migration['uuid'], {'status': 'error'})
    assert claims.heal_node(source['id']) == [migration['uuid']]


def test_a_move_left_running_by_a_dead_host_is_ended_keeping_the_claim_where_the_server_is(db):
    source, dest = _node('src'), _node('dst')
    server = _server_on(source)
    migration = server_migrations.migration_create(server, 'migration', 'dst', 'dst',
                                                   status='migrating')
    server_migrations.hold_source_claim(migration)
    claims.claim(server['uuid'], dest['id'], {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1})
    _age(migration['uuid'])

    assert server_migrations.settle_abandoned(60) == [migration['uuid']]
    assert server_migrations.migration_get(migration['uuid'])['status'] == 'error'
    assert _holders(source) == [server['uuid']] and _holders(dest) == []


def test_a_resize_waiting_for_confirmation_is_not_abandoned(db):
    source = _node('src')
    server = _server_on(source, vm_state='resized')
    migration = server_migrations.migration_create(server, 'resize', 'dst', 'dst',
                                                   status='finished')
    _age(migration['uuid'])
    assert server_migrations.settle_abandoned(60) == []


def test_a_completed_live_migration_moves_server_claims_and_record_together(db):
    source, dest = _node('src'), _node('dst')
    server = _server_on(source, task_state='migrating')
    migration = server_migrations.migration_create(server, 'live-migration', 'dst', 'dst')
    server_migrations.hold_source_claim(migration)
    claims.claim(server['uuid'], dest['id'], {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1})
    server_migrations.migration_update(migration['uuid'], {'status': 'running',
                                                           'memory_remaining': 99})

    server_migrations.complete_live(migration['uuid'], {'host': 'dst', 'node': 'dst'})
    moved = instances.instance_get(server['uuid'])
    assert (moved['host'], moved['node'], moved['task_state']) == ('dst', 'dst', None)
    assert _holders(source) == [] and _holders(dest) == [server['uuid']]
    record = server_migrations.migration_get(migration['uuid'])
    assert (record['status'], record['memory_remaining']) == ('completed', 0)


def test_a_live_migration_is_not_completed_for_a_server_no_longer_migrating(db):
    source, _dest = _node('src'), _node('dst')
    server = _server_on(source)
    migration = server_migrations.migration_create(server, 'live-migration', 'dst', 'dst')
    server_migrations.hold_source_claim(migration)
    with pytest.raises(exception.UnexpectedTaskStateError):
        server_migrations.complete_live(migration['uuid'], {'host': 'dst', 'node': 'dst'})
    assert instances.instance_get(server['uuid'])['host'] == 'src'
    assert _holders(source) == [migration['uuid']]
