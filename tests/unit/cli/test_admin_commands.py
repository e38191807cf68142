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
