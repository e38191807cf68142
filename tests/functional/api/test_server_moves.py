"""Moving servers through the API: what each move checks and persists before handing over.

No conductor or compute host runs here: a move that passes its checks is
answered and left in its first task state; the flows themselves are
exercised across real daemons in ``tests/integration/test_moves.py``.
"""

from unittest import mock

import pytest

from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import flavors as db_flavors
from novalite.db import instances as db_instances
from novalite.db import server_migrations
from tests.functional.api.conftest import make_instance


@pytest.fixture
def handed_over(monkeypatch):
    """The moves the API handed to the conductor: (method, instance uuid, kwargs)."""
    sent = []
    for method in ('migrate_server', 'live_migrate_instance'):
        monkeypatch.setattr(conductor_rpcapi.ComputeTaskAPI, method,
                            lambda self, ctx, instance, *args, _m=method, **kwargs:
                            sent.append((_m, instance['uuid'], args, kwargs)))
    return sent


@pytest.fixture
def flavors(db):
    return [db_flavors.flavor_create({'flavorid': flavorid, 'name': name, 'memory_mb': ram,
                                      'vcpus': 1, 'root_gb': disk})
            for flavorid, name, ram, disk in (('1', 'tiny', 512, 2), ('2', 'big', 1024, 4),
                                              ('3', 'smalldisk', 2048, 1))]


@pytest.fixture
def server(flavors, compute_host):
    return make_instance(flavor=dict(flavors[0], extra_specs={}), instance_type_id=1,
                         root_gb=2)


def _action(client, server, body, version=None):
    return client.post(f"/servers/{server['uuid']}/action", body, version=version)


def _fault(resp):
    return next(iter(resp.json.values()))['message']


def test_resize_persists_resize_prep_and_hands_the_new_flavor_to_the_conductor(
        api, server, handed_over):
    assert _action(api, server, {'resize': {'flavorRef': '2'}}).status_int == 202
    assert db_instances.instance_get(server['uuid'])['task_state'] == 'resize_prep'
    [(method, uuid, args, _kwargs)] = handed_over
    assert (method, uuid, args[0]['flavorid']) == ('migrate_server', server['uuid'], '2')
    shown = api.get(f"/servers/{server['uuid']}").json['server']
    assert shown['status'] == 'RESIZE'


def test_resize_to_the_same_flavor_is_refused(api, server, handed_over):
    resp = _action(api, server, {'resize': {'flavorRef': '1'}})
    assert resp.status_int == 400 and 'must change flavor' in _fault(resp)
    assert handed_over == []


def test_resize_to_a_smaller_root_disk_is_refused(api, server, handed_over):
    resp = _action(api, server, {'resize': {'flavorRef': '3'}})
    assert resp.status_int == 400 and 'smaller root disk' in _fault(resp)
    assert db_instances.instance_get(server['uuid'])['task_state'] is None


def test_resize_of_a_busy_server_is_a_conflict(api, server, handed_over):
    db_instances.instance_update(server['uuid'], {'task_state': 'rebooting'})
    assert _action(api, server, {'resize': {'flavorRef': '2'}}).status_int == 409


def test_cold_migration_is_for_admins(api, admin, server, handed_over):
    assert _action(api, server, {'migrate': None}).status_int == 403
    assert _action(admin, server, {'migrate': None}).status_int == 202


def test_migrate_names_a_host_only_from_2_56(admin, server, handed_over,
                                             beyond_max):
    resp = _action(admin, server, {'migrate': {'host': 'host1'}}, version='2.55')
    assert resp.status_int == 400


def test_migrate_to_an_unknown_host_is_refused(admin, server, handed_over,
                                               beyond_max):
    resp = _action(admin, server, {'migrate': {'host': 'nowhere'}}, version='2.56')
    assert resp.status_int == 400 and 'nowhere' in _fault(resp)
    assert handed_over == []


def test_live_migration_persists_migrating_with_its_options(admin, server, handed_over):
    body = {'os-migrateLive': {'host': None, 'block_migration': 'auto'}}
    assert _action(admin, server, body, version='2.25').status_int == 202
    assert db_instances.instance_get(server['uuid'])['task_state'] == 'migrating'
    assert admin.get(f"/servers/{server['uuid']}").json['server']['status'] == 'MIGRATING'
    [(method, _uuid, args, _kwargs)] = handed_over
    assert method == 'live_migrate_instance' and args == (None, None, False)


@pytest.mark.parametrize('version, options', [
    ('2.24', {'host': None, 'block_migration': 'auto'}),
    ('2.25', {'host': None, 'block_migration': True, 'disk_over_commit': False}),
    ('2.29', {'host': None, 'block_migration': True, 'force': True}),
])
def test_live_migration_options_follow_the_microversion(admin, server, handed_over,
                                                        version, options):
    assert _action(admin, server, {'os-migrateLive': options}, version=version).status_int \
        == 400
    assert handed_over == []


def test_confirm_without_a_finished_resize_is_a_conflict(api, server):
    assert _action(api, server, {'confirmResize': None}).status_int == 409


def test_confirm_of_a_resized_server_without_its_migration_is_a_bad_request(api, server):
    db_instances.instance_update(server['uuid'], {'vm_state': 'resized'})
    resp = _action(api, server, {'confirmResize': None})
    assert resp.status_int == 400 and 'has not been resized' in _fault(resp)


def test_revert_marks_the_migration_reverting_and_the_server_revert_resize(api, server):
    migration = server_migrations.migration_create(
        db_instances.instance_get(server['uuid']), 'resize', 'host2', 'node2',
        status='finished')
    db_instances.instance_update(server['uuid'], {'vm_state': 'resized', 'host': 'host2'})
    assert _action(api, server, {'revertResize': None}).status_int == 202
    assert server_migrations.migration_get(migration['uuid'])['status'] == 'reverting'
    assert api.get(f"/servers/{server['uuid']}").json['server']['status'] == 'REVERT_RESIZE'


def test_server_migrations_appear_at_2_23(admin, server):
    assert admin.get(f"/servers/{server['uuid']}/migrations", version='2.22').status_int \
        == 404
    assert admin.get(f"/servers/{server['uuid']}/migrations",
                     version='2.23').json == {'migrations': []}


def test_running_live_migration_shows_its_progress_bytes(admin, server):
    migration = server_migrations.migration_create(
        db_instances.instance_get(server['uuid']), 'live-migration', status='running')
    server_migrations.migration_update(migration['uuid'], {
        'memory_total': 100, 'memory_processed': 40, 'memory_remaining': 60})
    [shown] = admin.get(f"/servers/{server['uuid']}/migrations",
                        version='2.23').json['migrations']
    assert (shown['memory_processed_bytes'], shown['memory_remaining_bytes']) == (40, 60)
    assert shown['server_uuid'] == server['uuid'] and shown['status'] == 'running'


def test_abort_of_a_migration_not_running_is_a_bad_request(admin, server):
    migration = server_migrations.migration_create(
        db_instances.instance_get(server['uuid']), 'live-migration', status='completed')
    resp = admin.delete(f"/servers/{server['uuid']}/migrations/{migration['id']}",
                        version='2.24')
    assert resp.status_int == 400


def test_a_queued_migration_is_abortable_from_2_65_only(admin, server, beyond_max):
    db_instances.instance_update(server['uuid'], {'task_state': 'migrating'})
    migration = server_migrations.migration_create(
        db_instances.instance_get(server['uuid']), 'live-migration', status='queued')
    url = f"/servers/{server['uuid']}/migrations/{migration['id']}"
    assert admin.delete(url, version='2.64').status_int == 400
    with mock.patch('novalite.compute.rpcapi.ComputeAPI.live_migration_abort') as abort:
        assert admin.delete(url, version='2.65').status_int == 202
    assert abort.call_args.args[2] == migration['id']


def test_migrations_of_another_server_are_not_found(admin, server, flavors):
    other = make_instance(instance_type_id=1)
    migration = server_migrations.migration_create(other, 'live-migration', status='running')
    resp = admin.get(f"/servers/{server['uuid']}/migrations/{migration['id']}",
                     version='2.23')
    assert resp.status_int == 404
