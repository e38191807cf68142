"""Microversion steps of os-migrations, os-hosts and the admin actions (helper ``routes``).

Each check sends the same request at the version before the step and at the
step. ``STEPS`` holds ``(version, change, check)`` triples in the shape of
``walk/steps.py``; ``check(w)`` needs ``w.api`` (a member) and ``w.admin``.
The test below runs them on its own, so they hold whether or not the walk
that collects every helper's steps is present.
"""

import collections
import datetime
import types

import pytest

from novalite.db import engine, models
from novalite.db import server_migrations as db_migrations
from tests.functional.api.conftest import make_instance

Step = collections.namedtuple('Step', 'version change check')
STEPS = []


def _step(version, change):
    def register(check):
        STEPS.append(Step(version, change, check))
        return check
    return register


def _migration(migration_type='live-migration', status='running'):
    """A move record of a fresh server, updated a day ago."""
    record = db_migrations.migration_create(make_instance(), migration_type,
                                            dest_compute='host2', status=status)
    with engine.writer() as session:
        yesterday = datetime.datetime.utcnow() - datetime.timedelta(days=1)
        session.query(models.Migration).filter_by(uuid=record['uuid']).update(
            {'updated_at': yesterday, 'created_at': yesterday})
    return record


@_step('2.23', 'os-migrations shows migration_type and links a live migration under way')
def _migration_type(w):
    record = _migration()
    [before] = [m for m in w.admin.at('2.22').get('/os-migrations').json['migrations']
                if m['id'] == record['id']]
    assert 'migration_type' not in before and 'links' not in before
    [after] = [m for m in w.admin.at('2.23').get('/os-migrations').json['migrations']
               if m['id'] == record['id']]
    assert after['migration_type'] == 'live-migration' and after['links']


@_step('2.43', 'os-hosts is gone')
def _os_hosts(w):
    assert w.admin.at('2.42').get('/os-hosts').status_int == 200
    assert w.admin.at('2.43').get('/os-hosts').status_int == 404


@_step('2.59', 'os-migrations pages (limit/marker), shows uuid, filters changes-since')
def _migration_paging(w):
    record = _migration()
    before = w.admin.at('2.58').get('/os-migrations?limit=0').json['migrations']
    assert before and 'uuid' not in before[0]
    assert w.admin.at('2.59').get('/os-migrations?limit=0').json['migrations'] == []
    [after] = w.admin.at('2.59').get(f"/os-migrations?instance_uuid={record['instance_uuid']}"
                                     ).json['migrations']
    assert after['uuid'] == record['uuid']
    assert w.admin.at('2.58').get('/os-migrations?bogus=1').status_int == 200
    assert w.admin.at('2.59').get('/os-migrations?bogus=1').status_int == 400


@_step('2.66', 'os-migrations filters changes-before')
def _migration_changes_before(w):
    _migration()
    query = '/os-migrations?changes-before=2000-01-01T00:00:00Z'
    assert w.admin.at('2.65').get(query).status_int == 400
    assert w.admin.at('2.66').get(query).json['migrations'] == []


@_step('2.80', 'os-migrations shows and filters user_id and project_id')
def _migration_user_project(w):
    record = _migration()
    assert w.admin.at('2.79').get('/os-migrations?project_id=demo').status_int == 400
    [after] = [m for m in w.admin.at('2.80').get('/os-migrations?project_id=demo').json[
        'migrations'] if m['id'] == record['id']]
    assert (after['user_id'], after['project_id']) == ('demo', 'demo')
    assert w.admin.at('2.80').get('/os-migrations?project_id=nobody').json['migrations'] == []


@pytest.mark.parametrize('walk_step', STEPS, ids=[f'{s.version}-{s.check.__name__}'
                                                  for s in STEPS])
def test_step(walk_step, api, admin, compute_host, beyond_max):
    walk_step.check(types.SimpleNamespace(api=api, admin=admin, host=compute_host))
