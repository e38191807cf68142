"""The administrators' commands: migration-list (and, below, the server state commands)."""

import json

_RECORD = {'id': 7, 'uuid': 'c5b5a4a2-0000-4000-8000-000000000007', 'status': 'finished',
           'source_compute': 'host1', 'dest_compute': 'host2', 'source_node': 'node1',
           'dest_node': 'node2', 'dest_host': None, 'instance_uuid': 'i-1',
           'old_instance_type_id': 1, 'new_instance_type_id': 2, 'migration_type': 'resize',
           'created_at': '2026-01-01T00:00:00.000000', 'updated_at': None}


def test_migration_list_sends_its_filters_at_the_version_they_need(fake_api, run):
    fake_api.add('GET', '/os-migrations', {'migrations': [_RECORD]})
    status, out, _ = run('migration-list', '--host', 'host1', '--changes-since',
                         '2026-01-01T00:00:00Z', '--format', 'json')
    assert status == 0
    assert json.loads(out) == [_RECORD]
    [request] = fake_api.requests_to('GET', '.*/os-migrations')
    assert (request.param('host'), request.param('changes-since')) == \
        ('host1', '2026-01-01T00:00:00Z')
    assert request.headers['openstack-api-version'] == 'compute 2.59'


def test_migration_list_follows_the_next_link(fake_api, run):
    second = dict(_RECORD, id=6, uuid='c5b5a4a2-0000-4000-8000-000000000006')
    fake_api.add('GET', '/os-migrations', lambda req: {'migrations': [second]}
                 if req.param('marker') else {'migrations': [_RECORD], 'migrations_links': [
                     {'rel': 'next', 'href': f"http://x/v2.1/os-migrations?limit=1&marker="
                                             f"{_RECORD['uuid']}"}]})
    status, out, _ = run('--os-compute-api-version', '2.59', 'migration-list')
    assert status == 0 and 'resize' in out
    assert [m['id'] for m in json.loads(run('--os-compute-api-version', '2.59',
                                            'migration-list', '--format', 'json')[1])] == [7, 6]


def _server_answers(fake_api, *statuses):
    from tests.unit.cli.fakes import SERVER_ID, server
    fake_api.add('GET', f'/servers/{SERVER_ID}', [{'server': server(SERVER_ID, 'web', status)}
                                                  for status in statuses])
    fake_api.add('POST', f'/servers/{SERVER_ID}/action', None, status=202)
    return SERVER_ID


def test_reset_state_posts_error_by_default_and_active_on_request(fake_api, run):
    server_id = _server_answers(fake_api, 'ACTIVE')
    assert run('reset-state', server_id)[0] == 0
    assert run('reset-state', '--active', server_id)[0] == 0
    bodies = [r.body for r in fake_api.requests_to('POST', '.*/action')]
    assert bodies == [{'os-resetState': {'state': 'error'}},
                      {'os-resetState': {'state': 'active'}}]


def test_restore_waits_until_active(fake_api, run):
    server_id = _server_answers(fake_api, 'SOFT_DELETED', 'SOFT_DELETED', 'ACTIVE')
    status, out, _ = run('restore', server_id, '--wait', '--poll-interval', '0.01')
    assert status == 0 and 'restore server' in out
    assert fake_api.requests_to('POST', '.*/action')[0].body == {'restore': None}
    assert len(fake_api.requests_to('GET', f'.*/servers/{server_id}')) >= 3


def test_force_delete_waits_until_gone(fake_api, run):
    from tests.unit.cli.fakes import SERVER_ID, server
    gone = (404, {'itemNotFound': {'code': 404, 'message': 'gone'}})
    fake_api.add('GET', f'/servers/{SERVER_ID}', [
        {'server': server(SERVER_ID, 'web', 'SOFT_DELETED')}, lambda req: gone])
    fake_api.add('POST', f'/servers/{SERVER_ID}/action', None, status=202)
    server_id = SERVER_ID
    status, _, _ = run('force-delete', server_id, '--wait', '--poll-interval', '0.01')
    assert status == 0
    assert fake_api.requests_to('POST', '.*/action')[0].body == {'forceDelete': None}


def test_a_refused_restore_is_one_line_and_a_failure(fake_api, run):
    server_id = _server_answers(fake_api, 'ACTIVE')
    fake_api.fault('POST', f'/servers/{server_id}/action', 409,
                   f"Cannot 'restore' instance {server_id} while it is in vm_state active",
                   kind='conflictingRequest')
    status, _, err = run('restore', server_id)
    assert status == 1 and err.startswith('ERROR:') and 'vm_state active' in err
