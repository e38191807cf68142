"""Soft delete through the API (``reclaim_instance_interval``), ``restore`` and
``forceDelete``; and ``os-resetState``. No compute host consumes the casts here:
each test checks what the API persisted and sent."""

import datetime

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from novalite.db import instances as db_instances
from novalite.db import quotas as db_quotas
from tests.functional.api.conftest import make_instance


@pytest.fixture
def casts(monkeypatch):
    """The soft-delete casts the API sent: (method, instance uuid)."""
    sent = []
    for method in ('soft_delete_instance', 'restore_instance', 'terminate_instance'):
        monkeypatch.setattr(compute_rpcapi.ComputeAPI, method,
                            lambda self, ctx, instance, _m=method: sent.append(
                                (_m, instance['uuid'])))
    return sent


@pytest.fixture
def keep(conf):
    conf.set_override('reclaim_instance_interval', 3600)


@pytest.fixture
def server(compute_host, flavor):
    return make_instance(launched_at=datetime.datetime(2026, 1, 1))


def _action(client, server, body):
    return client.post(f"/servers/{server['uuid']}/action", body)


def _soft_deleted(server, **values):
    return db_instances.instance_update(server['uuid'], dict(
        {'vm_state': 'soft-delete', 'task_state': None, 'power_state': 4,
         'deleted_at': datetime.datetime(2026, 1, 2)}, **values))


def _actions(api, server):
    return [a['action'] for a in api.get(f"/servers/{server['uuid']}/os-instance-actions")
            .json['instanceActions']]


def test_with_the_interval_set_delete_keeps_the_server(api, keep, server, casts):
    assert api.delete(f"/servers/{server['uuid']}").status_int == 204
    kept = db_instances.instance_get(server['uuid'])
    assert (kept['vm_state'], kept['task_state']) == ('active', 'soft-deleting')
    assert kept['deleted_at'] is not None
    assert casts == [('soft_delete_instance', server['uuid'])]
    assert _actions(api, server) == ['delete']


def test_without_the_interval_delete_is_immediate(api, server, casts):
    assert api.delete(f"/servers/{server['uuid']}").status_int == 204
    assert casts == [('terminate_instance', server['uuid'])]
    assert db_instances.instance_get(server['uuid'])['task_state'] == 'deleting'


def test_a_server_that_never_ran_is_deleted_at_once(api, keep, compute_host, casts):
    never = make_instance(launched_at=None)
    assert api.delete(f"/servers/{never['uuid']}").status_int == 204
    assert casts == [('terminate_instance', never['uuid'])]


def test_a_busy_server_is_deleted_at_once(api, keep, server, casts):
    db_instances.instance_update(server['uuid'], {'task_state': 'rebooting'})
    assert api.delete(f"/servers/{server['uuid']}").status_int == 204
    assert casts == [('terminate_instance', server['uuid'])]


def test_a_soft_deleted_server_shows_soft_deleted_and_does_not_count(api, keep, server):
    _soft_deleted(server)
    assert api.get(f"/servers/{server['uuid']}").json['server']['status'] == 'SOFT_DELETED'
    usage = api.get('/os-quota-sets/demo/detail').json['quota_set']
    assert usage['instances']['in_use'] == 0


def test_restore_counts_the_server_again_and_casts_to_its_host(api, keep, server, casts):
    _soft_deleted(server)
    assert _action(api, server, {'restore': None}).status_int == 202
    restored = db_instances.instance_get(server['uuid'])
    assert (restored['vm_state'], restored['task_state'], restored['deleted_at']) == \
        ('soft-delete', 'restoring', None)
    assert casts == [('restore_instance', server['uuid'])]
    assert api.get('/os-quota-sets/demo/detail').json['quota_set']['instances']['in_use'] == 1
    assert _actions(api, server)[0] == 'restore'


def test_restore_over_the_quota_is_forbidden_and_changes_nothing(api, keep, server, casts):
    _soft_deleted(server)
    make_instance()
    db_quotas.set_limits({'instances': 1}, project_id='demo')
    resp = _action(api, server, {'restore': None})
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == (
        'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances')
    assert db_instances.instance_get(server['uuid'])['vm_state'] == 'soft-delete'
    assert casts == []


def test_restore_of_a_server_not_soft_deleted_is_a_conflict(api, server, casts):
    resp = _action(api, server, {'restore': None})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        f"Cannot 'restore' instance {server['uuid']} while it is in vm_state active")


def test_restore_of_a_locked_server_is_a_conflict(api, keep, server, casts):
    _soft_deleted(server, locked=True)
    assert _action(api, server, {'restore': None}).status_int == 409


def test_force_delete_deletes_a_soft_deleted_server_now(api, keep, server, casts):
    _soft_deleted(server)
    assert _action(api, server, {'forceDelete': None}).status_int == 202
    assert casts == [('terminate_instance', server['uuid'])]
    assert db_instances.instance_get(server['uuid'])['task_state'] == 'deleting'


def test_force_delete_of_a_locked_server_is_a_conflict(api, keep, server, casts):
    _soft_deleted(server, locked=True)
    assert _action(api, server, {'forceDelete': None}).status_int == 409
    assert casts == []


def test_another_projects_member_may_not_restore(api, keep, server, casts):
    _soft_deleted(server)
    assert _action(api.as_user('eve:other'), server, {'restore': None}).status_int == 404


@pytest.mark.parametrize('body', [{'restore': 'now'}, {'restore': 1},
                                  {'forceDelete': []}])
def test_bad_bodies_are_400(api, server, body, casts):
    assert _action(api, server, body).status_int == 400


def test_reset_state_sets_error_or_active_and_clears_the_task(admin, server):
    db_instances.instance_update(server['uuid'], {'task_state': 'rebooting'})
    assert _action(admin, server, {'os-resetState': {'state': 'error'}}).status_int == 202
    found = db_instances.instance_get(server['uuid'])
    assert (found['vm_state'], found['task_state']) == ('error', None)
    assert _action(admin, server, {'os-resetState': {'state': 'active'}}).status_int == 202
    assert db_instances.instance_get(server['uuid'])['vm_state'] == 'active'
    assert _actions(admin, server)[:2] == ['resetState', 'resetState']


def test_reset_state_is_for_admins(api, server):
    resp = _action(api, server, {'os-resetState': {'state': 'error'}})
    assert resp.status_int == 403
    assert db_instances.instance_get(server['uuid'])['vm_state'] == 'active'


@pytest.mark.parametrize('body', [{'os-resetState': {'state': 'stopped'}},
                                  {'os-resetState': {}}, {'os-resetState': None},
                                  {'os-resetState': {'state': 'error', 'x': 1}}])
def test_reset_state_bad_bodies_are_400_and_change_nothing(admin, server, body):
    resp = _action(admin, server, body)
    assert resp.status_int == 400 and 'badRequest' in resp.json
    assert db_instances.instance_get(server['uuid'])['vm_state'] == 'active'
