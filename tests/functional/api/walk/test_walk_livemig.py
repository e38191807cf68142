"""Microversion steps of live-migration aborts (helper ``livemig``).

``STEPS`` holds ``(version, change, check)`` triples in the shape of
``walk/steps.py``; ``check(w)`` needs ``w.admin``. The test below runs them.
"""

import collections
import types
from unittest import mock

import pytest

from novalite.db import instances as db_instances
from novalite.db import server_migrations as db_migrations
from tests.functional.api.conftest import make_instance

Step = collections.namedtuple('Step', 'version change check')
STEPS = []


def _step(version, change):
    def register(check):
        STEPS.append(Step(version, change, check))
        return check
    return register


@_step('2.65', 'a live migration still queued or preparing can be aborted')
def abort_queued(w):
    for status in ('queued', 'preparing'):
        instance = make_instance(task_state='migrating')
        record = db_migrations.migration_create(db_instances.instance_get(instance['uuid']),
                                                'live-migration', status=status)
        url = f"/servers/{instance['uuid']}/migrations/{record['id']}"
        assert w.admin.at('2.64').delete(url).status_int == 400
        with mock.patch('novalite.compute.rpcapi.ComputeAPI.live_migration_abort') as abort:
            assert w.admin.at('2.65').delete(url).status_int == 202
        abort.assert_called_once()


@pytest.mark.parametrize('walk_step', STEPS, ids=[f'{s.version}-{s.check.__name__}'
                                                  for s in STEPS])
def test_step(walk_step, admin, compute_host, beyond_max):
    walk_step.check(types.SimpleNamespace(admin=admin, host=compute_host))
