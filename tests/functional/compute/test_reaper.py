"""A compute host settles its own instances left in a task_state, without a restart.

The conductor is called in process (see test_manager); time is moved on
with oslo.utils' override instead of waiting out the grace and deadlines.
"""

import datetime
import uuid
from unittest import mock

import pytest
from oslo_utils import timeutils

from novalite import context
from novalite.db import actions, instances, server_migrations
from novalite.virt import power_state
from tests.functional.compute.test_manager import FLAVOR, HOST, direct_manager


@pytest.fixture
def ctx():
    return context.get_admin_context()


@pytest.fixture
def compute(db, conf):
    conf.set_override('task_state_grace', 60)
    conf.set_override('task_state_deadlines', {'spawning': '600', 'default': '600'})
    manager = direct_manager()
    manager.driver.init_host(HOST)
    yield manager
    timeutils.clear_time_override()


def _instance(**values):
    defaults = {'uuid': str(uuid.uuid4()), 'project_id': 'p', 'user_id': 'u',
                'hostname': 'vm', 'display_name': 'vm', 'image_ref': 'img', 'flavor': FLAVOR,
                'memory_mb': 512, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
                'vm_state': 'building', 'task_state': 'spawning', 'host': HOST, 'node': HOST}
    (instance,) = instances.instances_create([dict(defaults, **values)])
    return instance


def _with_guest(compute, ctx, instance):
    compute.driver.spawn(ctx, instance, {'id': 'img'}, [], None, [])
    return instance


def _reap_after(compute, ctx, seconds):
    timeutils.set_time_override(timeutils.utcnow() + datetime.timedelta(seconds=seconds))
    compute.reaper.reap(ctx)
    compute.tasks.waitall()


def _fault(uuid):
    return actions.faults_get_latest([uuid]).get(uuid, {}).get('message', '')


def test_a_build_whose_last_step_was_lost_with_its_guest_running_is_finished(compute, ctx):
    instance = _with_guest(compute, ctx, _instance())
    _reap_after(compute, ctx, 61)
    found = instances.instance_get(instance['uuid'])
    assert (found['vm_state'], found['task_state'], found['power_state']) == \
        ('active', None, power_state.RUNNING)


def test_a_build_lost_before_its_guest_ran_is_handed_back_to_the_conductor(compute, ctx):
    instance = _instance(task_state='networking')
    with mock.patch('novalite.network.api.deallocate_for_instance') as deallocate:
        _reap_after(compute, ctx, 61)
    found = instances.instance_get(instance['uuid'])
    assert (found['vm_state'], found['task_state'], found['host']) == \
        ('building', 'scheduling', None)
    deallocate.assert_called_once()


def test_a_delete_left_deleting_is_completed_and_its_guest_destroyed(compute, ctx):
    instance = _with_guest(compute, ctx, _instance(vm_state='active', task_state='deleting'))
    _reap_after(compute, ctx, 61)
    assert instances.instance_get(instance['uuid'], read_deleted=True)['vm_state'] == 'deleted'
    assert instance['uuid'] not in compute.driver.list_instance_uuids()


def test_an_action_left_powering_off_is_cleared_with_a_fault(compute, ctx):
    instance = _with_guest(compute, ctx, _instance(vm_state='active',
                                                   task_state='powering-off'))
    _reap_after(compute, ctx, 61)
    found = instances.instance_get(instance['uuid'])
    assert (found['vm_state'], found['task_state']) == ('active', None)
    assert 'powering-off was lost' in _fault(instance['uuid'])


@pytest.mark.parametrize('guest_here', [True, False])
def test_a_live_migration_its_conductor_lost_is_settled_where_the_guest_is(compute, ctx,
                                                                           guest_here):
    instance = _instance(vm_state='active', task_state='migrating')
    if guest_here:
        _with_guest(compute, ctx, instance)
    migration = server_migrations.migration_create(instance, 'live-migration')
    server_migrations.migration_update(migration['uuid'], {
        'status': 'running', 'dest_compute': 'other', 'dest_node': 'other'})
    with mock.patch.object(compute.live, 'compute_rpcapi') as peers:
        _reap_after(compute, ctx, 61)
    found = instances.instance_get(instance['uuid'])
    record = server_migrations.migration_get(migration['uuid'])
    assert found['task_state'] is None
    if guest_here:
        assert (record['status'], found['host']) == ('error', HOST)
        peers.rollback_live_migration_at_destination.assert_called_once()
    else:
        assert (record['status'], found['host']) == ('completed', 'other')
        peers.post_live_migration_at_destination.assert_called_once()


def test_a_task_state_younger_than_the_grace_is_left_alone(compute, ctx):
    instance = _instance(vm_state='active', task_state='powering-off')
    _reap_after(compute, ctx, 30)
    assert instances.instance_get(instance['uuid'])['task_state'] == 'powering-off'


def test_an_operation_in_flight_is_left_alone_until_its_deadline(compute, ctx):
    instance = _with_guest(compute, ctx, _instance())
    with compute.in_flight.track(instance['uuid']):
        _reap_after(compute, ctx, 300)
        assert instances.instance_get(instance['uuid'])['task_state'] == 'spawning'
        _reap_after(compute, ctx, 301)
    found = instances.instance_get(instance['uuid'])
    assert (found['vm_state'], found['task_state']) == ('error', None)
    assert 'spawning timed out' in _fault(instance['uuid'])


def test_a_guest_no_instance_of_this_host_owns_is_destroyed(compute, ctx):
    stray = _instance(vm_state='active', task_state=None, host='elsewhere')
    _with_guest(compute, ctx, stray)
    instances.instance_destroy(stray['uuid'])
    _reap_after(compute, ctx, 1)
    assert stray['uuid'] not in compute.driver.list_instance_uuids()


@pytest.mark.parametrize('task_state, vm_state, expected', [
    ('soft-deleting', 'active', ('soft-delete', power_state.SHUTDOWN)),
    ('restoring', 'soft-delete', ('active', power_state.RUNNING)),
])
def test_a_lost_soft_delete_or_restore_is_carried_out(compute, ctx, task_state, vm_state,
                                                      expected):
    instance = _with_guest(compute, ctx, _instance(vm_state=vm_state, task_state=task_state,
                                                   power_state=power_state.RUNNING))
    _reap_after(compute, ctx, 120)
    found = instances.instance_get(instance['uuid'])
    assert (found['vm_state'], found['power_state'], found['task_state']) == (*expected, None)
