"""A compute host's side of soft delete on the fake hypervisor: power off and keep,
power on again, reclaim once ``reclaim_instance_interval`` has passed, and finish
what a crash interrupted."""

import datetime

from novalite import context
from novalite.compute import reclaim
from novalite.db import actions, instances
from novalite.virt import power_state
from tests.functional.compute.test_manager import (  # noqa: F401  (fixtures)
    _build,
    _instance,
    compute,
    ctx,
)


def _soft_deleting(compute, ctx, **values):  # noqa: F811
    built = _build(compute, ctx, _instance(ctx))
    actions.action_start(built['uuid'], 'delete', ctx.request_id, 'u', 'p')
    return instances.instance_update(built['uuid'], dict(
        {'task_state': 'soft-deleting', 'deleted_at': datetime.datetime.utcnow()}, **values))


def _state(instance):
    found = instances.instance_get(instance['uuid'])
    return found['vm_state'], found['task_state'], found['power_state']


def test_soft_delete_powers_the_guest_off_and_keeps_it(compute, ctx):  # noqa: F811
    instance = _soft_deleting(compute, ctx)
    compute.soft_delete_instance(ctx, instance)
    compute.tasks.waitall()
    assert _state(instance) == ('soft-delete', None, power_state.SHUTDOWN)
    assert compute.driver.get_info(instance).state == power_state.SHUTDOWN
    assert instance['uuid'] in compute.driver.list_instance_uuids()
    [delete] = [a for a in actions.actions_get(instance['uuid']) if a['action'] == 'delete']
    events = actions.action_get_by_request_id(instance['uuid'], delete['request_id'])['events']
    assert [e['event'] for e in events] == ['compute_soft_delete_instance']


def test_restore_powers_the_guest_on_again(compute, ctx):  # noqa: F811
    instance = _soft_deleting(compute, ctx)
    compute.soft_delete_instance(ctx, instance)
    compute.tasks.waitall()
    instance = instances.instance_update(instance['uuid'], {'task_state': 'restoring',
                                                            'deleted_at': None})
    compute.restore_instance(ctx, instance)
    compute.tasks.waitall()
    assert _state(instance) == ('active', None, power_state.RUNNING)
    assert compute.driver.get_info(instance).state == power_state.RUNNING


def test_reclaim_deletes_only_the_expired_soft_deleted_servers(compute, ctx, conf):  # noqa: F811
    old = _soft_deleting(compute, ctx)
    fresh = _soft_deleting(compute, ctx)
    for instance in (old, fresh):
        compute.soft_delete_instance(ctx, instance)
    compute.tasks.waitall()
    instances.instance_update(old['uuid'], {
        'deleted_at': datetime.datetime.utcnow() - datetime.timedelta(hours=2)})
    conf.set_override('reclaim_instance_interval', 3600)
    compute._reclaim_queued_deletes(context.get_admin_context())
    compute.tasks.waitall()
    assert instances.instance_get(old['uuid'], read_deleted=True)['vm_state'] == 'deleted'
    assert _state(fresh)[0] == 'soft-delete'
    assert compute.driver.list_instance_uuids() == [fresh['uuid']]


def test_no_reclaim_while_the_interval_is_zero(compute, ctx):  # noqa: F811
    instance = _soft_deleting(compute, ctx, deleted_at=datetime.datetime(2000, 1, 1))
    compute.soft_delete_instance(ctx, instance)
    compute.tasks.waitall()
    compute._reclaim_queued_deletes(context.get_admin_context())
    assert _state(instance)[0] == 'soft-delete'


def test_restart_finishes_a_soft_delete_a_crash_interrupted(compute, ctx):  # noqa: F811
    instance = _soft_deleting(compute, ctx)
    compute.init_host(context.get_admin_context())
    compute.tasks.waitall()
    assert _state(instance) == ('soft-delete', None, power_state.SHUTDOWN)


def test_restart_finishes_a_restore_a_crash_interrupted(compute, ctx):  # noqa: F811
    instance = _soft_deleting(compute, ctx)
    compute.soft_delete_instance(ctx, instance)
    compute.tasks.waitall()
    instances.instance_update(instance['uuid'], {'task_state': 'restoring'})
    compute.init_host(context.get_admin_context())
    compute.tasks.waitall()
    assert _state(instance) == ('active', None, power_state.RUNNING)


def test_expired_skips_busy_and_recent_servers():
    now = datetime.datetime(2026, 1, 1, 12)
    hour_ago = now - datetime.timedelta(hours=1)
    servers = [{'uuid': 'a', 'vm_state': 'soft-delete', 'task_state': None,
                'deleted_at': hour_ago},
               {'uuid': 'b', 'vm_state': 'soft-delete', 'task_state': 'restoring',
                'deleted_at': hour_ago},
               {'uuid': 'c', 'vm_state': 'soft-delete', 'task_state': None, 'deleted_at': now},
               {'uuid': 'd', 'vm_state': 'active', 'task_state': None, 'deleted_at': None}]
    assert [s['uuid'] for s in reclaim.expired(servers, 600, now)] == ['a']
