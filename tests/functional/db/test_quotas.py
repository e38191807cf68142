"""The quota engine on a database: limits' precedence, counts, reservations, checks."""

import concurrent.futures
import contextlib
import types
from unittest import mock

import pytest
from oslo_db import exception as db_exc

from novalite import exception, quota
from novalite.db import quotas as db_quotas
from tests.functional.api.conftest import make_instance

_FLAVOR = {'vcpus': 2, 'memory_mb': 1024}


def _context(user='demo', project='demo'):
    return types.SimpleNamespace(user_id=user, project_id=project)


def test_limits_take_user_over_project_over_class_over_options(db):
    db_quotas.set_limits({'instances': 30, 'cores': 60}, class_name='default')
    db_quotas.set_limits({'instances': 20}, project_id='p')
    db_quotas.set_limits({'instances': 5}, project_id='p', user_id='u')
    assert quota.get_limits('p', 'u')['instances'] == 5
    assert quota.get_limits('p')['instances'] == 20
    assert quota.get_limits('p')['cores'] == 60
    assert quota.get_limits('p')['ram'] == 51200
    assert quota.get_limits('p')['floating_ips'] == -1


def test_usage_counts_live_servers_of_the_project_and_user(db):
    make_instance(user_id='u', vcpus=2, memory_mb=1024)
    make_instance(user_id='v', vcpus=1, memory_mb=512)
    make_instance(project_id='other')
    assert quota.get_usages('demo')['cores'] == 3
    assert quota.get_usages('demo', 'u')['instances'] == 1
    assert quota.get_usages('demo', 'u')['ram'] == 1024


def test_a_reservation_grants_as_many_as_fit_and_counts_until_released(db):
    db_quotas.set_limits({'instances': 5, 'cores': 6}, project_id='demo')
    reservation = quota.check_and_reserve(_context(), _FLAVOR, 1, 5)
    assert reservation.count == 3  # cores: 6 // 2
    assert quota.get_usages('demo')['cores'] == 6
    with pytest.raises(exception.TooManyInstances):
        quota.check_and_reserve(_context(), _FLAVOR, 1, 1)
    with reservation:
        pass
    assert quota.get_usages('demo')['cores'] == 0


def _deadlocking_once(writer):
    """``engine.writer`` whose first transaction InnoDB picks as a deadlock's victim."""
    calls = []

    @contextlib.contextmanager
    def first_one_deadlocks():
        calls.append(None)
        if len(calls) == 1:
            raise db_exc.DBDeadlock()
        with writer() as session:
            yield session
    return first_one_deadlocks


def test_a_release_picked_as_a_deadlocks_victim_runs_again(db):
    reservation = quota.check_and_reserve(_context(), _FLAVOR, 1, 1)
    with mock.patch.object(db_quotas.engine, 'writer',
                           _deadlocking_once(db_quotas.engine.writer)):
        with reservation:
            pass
    assert quota.get_usages('demo')['cores'] == 0


def test_a_release_that_keeps_failing_leaves_the_create_its_outcome(db):
    reservation = quota.check_and_reserve(_context(), _FLAVOR, 1, 1)
    with mock.patch.object(db_quotas, 'release', side_effect=db_exc.DBDeadlock()):
        with reservation as count:
            created = count
    assert created == 1
    # Held until it expires, then counted no more.
    assert quota.get_usages('demo')['cores'] == 2


def test_concurrent_reservations_never_exceed_the_quota(db):
    db_quotas.set_limits({'instances': 7}, project_id='demo')

    def reserve(count):
        try:
            return quota.check_and_reserve(_context(), _FLAVOR, 1, count).count
        except exception.TooManyInstances:
            return 0
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        granted = list(pool.map(reserve, [1, 2, 3, 1, 2, 3, 1, 2, 3, 1]))
    assert sum(granted) == 7


def test_check_deltas_names_the_resources_over_quota(db):
    db_quotas.set_limits({'server_groups': 2, 'key_pairs': 1}, project_id='demo')
    used = dict.fromkeys(quota.ALL_RESOURCES, 0) | {'server_groups': 2, 'key_pairs': 1}
    with pytest.raises(exception.OverQuota) as raised:
        quota.check_deltas(_context(), {'server_groups': 1, 'key_pairs': 1}, used)
    assert raised.value.kwargs['overs'] == 'key_pairs, server_groups'
    quota.check_deltas(_context(), {'server_groups': 0}, used)


def test_a_user_limit_binds_in_check_deltas(db):
    db_quotas.set_limits({'server_groups': 1}, project_id='demo', user_id='demo')
    used = dict.fromkeys(quota.ALL_RESOURCES, 0)
    with pytest.raises(exception.OverQuota):
        quota.check_deltas(_context(), {'server_groups': 1}, used,
                           user_used=dict(used, server_groups=1))


def test_deleting_a_projects_limits_drops_its_users_too(db):
    db_quotas.set_limits({'instances': 3}, project_id='p')
    db_quotas.set_limits({'instances': 1}, project_id='p', user_id='u')
    db_quotas.destroy_limits('p')
    assert quota.get_limits('p', 'u')['instances'] == 10
