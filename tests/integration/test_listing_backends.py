"""Server listings on each real database, where timestamps differ in precision."""

import datetime
import uuid

import pytest

from novalite.db import engine, instances, migration

FLAVOR = {'flavorid': '1', 'name': 'tiny', 'memory_mb': 64, 'vcpus': 1, 'root_gb': 1,
          'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}}


@pytest.fixture
def backend(conf, database_url):
    engine.configure(database_url)
    migration.db_sync()
    yield
    engine.configure('sqlite://')


def test_a_change_just_after_changes_since_is_listed(backend):
    # MariaDB keeps whole seconds: a change at 12:00:00.4 is stored as
    # 12:00:00, which is before a changes-since of 12:00:00.3.
    changed_at = datetime.datetime(2026, 11, 22, 12, 0, 0, 400000)
    server_uuid = str(uuid.uuid4())
    instances.instances_create([{
        'uuid': server_uuid, 'project_id': 'p', 'user_id': 'u', 'flavor': FLAVOR,
        'memory_mb': 64, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0, 'vm_state': 'active',
        'created_at': changed_at, 'updated_at': changed_at}])
    since = changed_at.replace(microsecond=300000)
    listed = instances.instance_get_all_for_listing({'changes_since': since}, columns='basic')
    assert [server['uuid'] for server in listed] == [server_uuid]


def test_name_filter_is_a_regular_expression_on_every_database(backend):
    for name in ('web-1', 'web-2', 'db-web'):
        instances.instances_create([{
            'uuid': str(uuid.uuid4()), 'project_id': 'p', 'user_id': 'u', 'flavor': FLAVOR,
            'memory_mb': 64, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
            'vm_state': 'active', 'display_name': name}])
    listed = instances.instance_get_all_for_listing({'regex': {'display_name': '^web-[0-9]$'}},
                                                    columns='detail')
    assert sorted(server['display_name'] for server in listed) == ['web-1', 'web-2']
