"""``GET /os-migrations``: the listing of move records at each of Nova's steps."""

import datetime

import pytest

from novalite.db import models
from novalite.db import server_migrations as db_migrations
from tests.functional.api.conftest import make_instance


def _record(instance, migration_type, status, created, **values):
    record = db_migrations.migration_create(instance, migration_type, dest_compute='host2',
                                            dest_node='node2', status=status)
    from novalite.db import engine
    with engine.writer() as session:
        session.query(models.Migration).filter_by(uuid=record['uuid']).update(
            dict(created_at=created, updated_at=created, **values))
    return db_migrations.migration_get(record['uuid'])


@pytest.fixture
def records(compute_host):
    """Four records, oldest first: a live one running, a resize, a finished one, a hidden one."""
    first = make_instance()
    second = make_instance(project_id='other', user_id='alice')
    day = datetime.datetime(2026, 1, 1)
    return [
        _record(first, 'live-migration', 'running', day),
        _record(second, 'resize', 'finished', day + datetime.timedelta(days=1)),
        _record(first, 'migration', 'confirmed', day + datetime.timedelta(days=2)),
        _record(second, 'migration', 'error', day + datetime.timedelta(days=3), hidden=True),
    ]


def _ids(resp):
    return [m['id'] for m in resp.json['migrations']]


def test_only_admins_list_migrations(api, records):
    resp = api.get('/os-migrations')
    assert resp.status_int == 403
    assert 'os_compute_api:os-migrations:index' in resp.json['forbidden']['message']


def test_before_2_23_records_come_in_id_order_without_type_links_or_uuid(admin, records):
    resp = admin.get('/os-migrations')
    assert resp.status_int == 200
    assert _ids(resp) == [r['id'] for r in records[:3]]
    first = resp.json['migrations'][0]
    assert first['instance_uuid'] == records[0]['instance_uuid']
    assert (first['source_compute'], first['dest_compute'], first['dest_node']) == \
        ('host1', 'host2', 'node2')
    assert first['created_at'] == '2026-01-01T00:00:00.000000'
    for key in ('migration_type', 'links', 'uuid', 'user_id', 'project_id', 'hidden'):
        assert key not in first


def test_2_23_adds_the_type_and_links_a_live_migration_under_way(admin, records):
    resp = admin.at('2.23').get('/os-migrations')
    live, resize = resp.json['migrations'][:2]
    assert live['migration_type'] == 'live-migration'
    assert live['links'][0]['href'].endswith(
        f"/v2.1/servers/{records[0]['instance_uuid']}/migrations/{records[0]['id']}")
    assert resize['migration_type'] == 'resize' and 'links' not in resize


def test_filters_by_status_host_type_and_instance(admin, records):
    assert _ids(admin.get('/os-migrations?status=finished')) == [records[1]['id']]
    assert _ids(admin.get('/os-migrations?host=host2')) == [r['id'] for r in records[:3]]
    assert _ids(admin.get('/os-migrations?host=nowhere')) == []
    assert _ids(admin.get('/os-migrations?migration_type=migration')) == [records[2]['id']]
    assert _ids(admin.get(f"/os-migrations?instance_uuid={records[1]['instance_uuid']}")) == \
        [records[1]['id']]
    assert _ids(admin.get('/os-migrations?hidden=1')) == []


def test_before_2_59_unknown_keys_and_changes_since_are_ignored(admin, beyond_max, records):
    resp = admin.at('2.58').get('/os-migrations?changes-since=2030-01-01T00:00:00Z&foo=1')
    assert _ids(resp) == [r['id'] for r in records[:3]]


def test_2_59_pages_newest_first_with_uuid_and_a_next_link(admin, beyond_max, records):
    resp = admin.at('2.59').get('/os-migrations?limit=2')
    assert resp.status_int == 200
    assert _ids(resp) == [records[2]['id'], records[1]['id']]
    assert resp.json['migrations'][0]['uuid'] == records[2]['uuid']
    [link] = resp.json['migrations_links']
    assert link['rel'] == 'next' and f"marker={records[1]['uuid']}" in link['href']
    rest = admin.at('2.59').get(f"/os-migrations?limit=2&marker={records[1]['uuid']}")
    assert _ids(rest) == [records[0]['id']] and 'migrations_links' not in rest.json


def test_2_59_filters_by_changes_since_and_refuses_unknown_keys(admin, beyond_max, records):
    resp = admin.at('2.59').get('/os-migrations?changes-since=2026-01-02T00:00:00Z')
    assert _ids(resp) == [records[2]['id'], records[1]['id']]
    bad = admin.at('2.59').get('/os-migrations?foo=1')
    assert bad.status_int == 400
    assert 'Additional properties are not allowed' in bad.json['badRequest']['message']
    assert admin.at('2.59').get('/os-migrations?changes-since=yesterday').status_int == 400
    assert admin.at('2.59').get('/os-migrations?limit=-1').status_int == 400


def test_an_unknown_marker_is_a_400(admin, beyond_max, records):
    resp = admin.at('2.59').get('/os-migrations?marker=nope')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Marker nope could not be found.'


def test_2_66_bounds_by_changes_before(admin, beyond_max, records):
    assert admin.at('2.65').get('/os-migrations?changes-before=2026-01-01T12:00:00Z') \
        .status_int == 400
    resp = admin.at('2.66').get('/os-migrations?changes-before=2026-01-01T12:00:00Z')
    assert _ids(resp) == [records[0]['id']]
    inverted = admin.at('2.66').get('/os-migrations?changes-since=2026-01-03T00:00:00Z'
                                    '&changes-before=2026-01-01T00:00:00Z')
    assert inverted.status_int == 400
    assert inverted.json['badRequest']['message'] == \
        'The value of changes-since must be less than or equal to changes-before.'


def test_2_80_shows_and_filters_by_user_and_project(admin, beyond_max, records):
    assert admin.at('2.79').get('/os-migrations?project_id=other').status_int == 400
    resp = admin.at('2.80').get('/os-migrations?project_id=other')
    [shown] = resp.json['migrations']
    assert (shown['id'], shown['project_id'], shown['user_id']) == \
        (records[1]['id'], 'other', 'alice')
    assert _ids(admin.at('2.80').get('/os-migrations?user_id=demo')) == \
        [records[2]['id'], records[0]['id']]


def test_an_operator_may_let_members_list_without_the_hosts(api, conf, tmp_path, records):
    """Nova's os-migrations:index:host: who may not see hosts gets them as null."""
    (tmp_path / 'policy.yaml').write_text('"os_compute_api:os-migrations:index": "@"\n')
    conf.set_override('policy_file', str(tmp_path / 'policy.yaml'), group='oslo_policy')
    [first, *_rest] = api.get('/os-migrations').json['migrations']
    assert first['id'] == records[0]['id']
    assert all(first[key] is None for key in ('source_compute', 'source_node', 'dest_compute',
                                              'dest_node', 'dest_host'))
