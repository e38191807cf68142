"""The compute manager on the fake hypervisor, with the conductor called in process.

Only the wire is replaced: the conductor manager and the SQLite database are
real, so these tests see what a compute host would leave in the database.
"""

import uuid
from unittest import mock

import oslo_messaging as messaging
import pytest

from novalite import context, exception
from novalite.compute import manager as compute_manager
from novalite.conductor import manager as conductor_manager
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import actions, instances
from novalite.virt import fake, power_state

HOST = 'cpu1'
FLAVOR = {'flavorid': '1', 'name': 'small', 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
          'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}}


class DirectConductor:
    """The ConductorAPI without RPC: each call goes straight to a ConductorManager."""

    def __init__(self):
        self.manager = conductor_manager.ConductorManager('conductor')

    def __getattr__(self, name):
        method = getattr(self.manager, name)

        def call(*args, **kwargs):
            # What the RPC dispatcher does with exceptions the server expects.
            try:
                return method(*args, **kwargs)
            except messaging.ExpectedException as wrapped:
                raise wrapped.exc_info[1] from None
        return call


def direct_manager():
    """A compute manager on the fake driver whose every part calls the conductor in process."""
    with mock.patch.object(conductor_rpcapi, 'ConductorAPI', DirectConductor):
        return compute_manager.ComputeManager(HOST, driver=fake.FakeDriver())


@pytest.fixture
def ctx():
    return context.RequestContext(user_id='u', project_id='p', roles=['admin'])


@pytest.fixture
def compute(db, conf, tmp_path):
    conf.set_override('images_path', str(tmp_path / 'images'), group='image')
    manager = direct_manager()
    manager.builder.compute_task = mock.Mock()
    manager.builder.images = mock.Mock(show=mock.Mock(return_value={'id': 'img'}))
    manager.driver.init_host(HOST)
    manager.tracker.report(context.get_admin_context())
    return manager


def _instance(ctx, **values):
    defaults = {'uuid': str(uuid.uuid4()), 'project_id': 'p', 'user_id': 'u',
                'hostname': 'vm', 'display_name': 'vm', 'image_ref': 'img', 'flavor': FLAVOR,
                'memory_mb': 512, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
                'vm_state': 'building', 'task_state': 'scheduling', 'host': HOST, 'node': HOST}
    (instance,) = instances.instances_create([dict(defaults, **values)])
    actions.action_start(instance['uuid'], 'create', ctx.request_id, 'u', 'p')
    return instance


def _build(compute, ctx, instance, filter_properties=None, host_list=None):
    spec = {'requested_networks': 'none'}
    compute.build_and_run_instance(ctx, instance, HOST, spec, filter_properties or {},
                                   host_list)
    compute.tasks.waitall()
    return instances.instance_get(instance['uuid'])


def test_build_ends_active_and_running_on_this_host(compute, ctx):
    built = _build(compute, ctx, _instance(ctx))
    assert (built['vm_state'], built['task_state'], built['power_state']) == (
        'active', None, power_state.RUNNING)
    assert built['launched_at'] is not None


def test_failed_spawn_hands_the_instance_back_for_rescheduling(compute, ctx, conf):
    conf.set_override('fail_spawn_on_hosts', [HOST], group='fake')
    alternates = [{'host': 'cpu2', 'nodename': 'cpu2', 'compute_node_id': 2,
                   'resources': {}}]
    built = _build(compute, ctx, _instance(ctx), {'retry': {'num_attempts': 1, 'hosts': []}},
                   alternates)

    assert (built['vm_state'], built['task_state'], built['host']) == (
        'building', 'scheduling', None)
    call = compute.builder.compute_task.build_instances.call_args
    assert call.kwargs['host_lists'] == [alternates]
    assert 'fake spawn failure' in actions.faults_get_latest([built['uuid']])[
        built['uuid']]['message']


def test_failed_spawn_without_a_retry_record_ends_in_error(compute, ctx, conf):
    conf.set_override('fail_spawn_on_hosts', [HOST], group='fake')
    built = _build(compute, ctx, _instance(ctx))
    assert (built['vm_state'], built['task_state']) == ('error', None)
    compute.builder.compute_task.build_instances.assert_not_called()


def test_build_of_an_instance_moved_elsewhere_is_left_alone(compute, ctx):
    instance = _instance(ctx, host='cpu2')
    built = _build(compute, ctx, instance)
    assert (built['vm_state'], built['host']) == ('building', 'cpu2')
    assert compute.driver.list_instance_uuids() == []


def test_restart_puts_an_instance_left_building_into_error_with_a_fault(compute, ctx):
    instance = _instance(ctx, task_state='spawning')
    compute.init_host(context.get_admin_context())

    recovered = instances.instance_get(instance['uuid'])
    assert (recovered['vm_state'], recovered['task_state']) == ('error', None)
    fault = actions.faults_get_latest([instance['uuid']])[instance['uuid']]
    assert 'restarted during the build' in fault['message']


def test_restart_leaves_a_build_placed_here_but_not_begun_to_its_message(compute, ctx):
    # The scheduler may place a server on a host that is up but still starting.
    instance = _instance(ctx, task_state='scheduling')
    compute.init_host(context.get_admin_context())
    assert instances.instance_get(instance['uuid'])['vm_state'] == 'building'

    built = _build(compute, ctx, instance)
    assert (built['vm_state'], built['task_state']) == ('active', None)


def test_restart_completes_a_delete_a_crash_interrupted(compute, ctx):
    instance = _build(compute, ctx, _instance(ctx))
    instances.instance_update(instance['uuid'], {'task_state': 'deleting'})
    compute.init_host(context.get_admin_context())
    compute.tasks.waitall()

    assert instances.instance_get(instance['uuid'], read_deleted=True)['vm_state'] == 'deleted'
    assert compute.driver.list_instance_uuids() == []


def test_restart_destroys_guests_that_no_live_instance_owns(compute, ctx):
    instance = _build(compute, ctx, _instance(ctx))
    instances.instance_destroy(instance['uuid'])
    compute.init_host(context.get_admin_context())
    assert compute.driver.list_instance_uuids() == []


def test_power_sync_marks_an_active_instance_whose_guest_stopped_as_stopped(compute, ctx):
    instance = _build(compute, ctx, _instance(ctx))
    compute.driver.power_off(ctx, instance, [], timeout=0)
    compute._sync_power_states(context.get_admin_context())

    synced = instances.instance_get(instance['uuid'])
    assert (synced['vm_state'], synced['power_state']) == ('stopped', power_state.SHUTDOWN)


def test_stop_then_start_walks_the_guest_and_the_record_together(compute, ctx):
    instance = _build(compute, ctx, _instance(ctx))
    instances.instance_update(instance['uuid'], {'task_state': 'powering-off'})
    compute.stop_instance(ctx, instance)
    compute.tasks.waitall()
    assert instances.instance_get(instance['uuid'])['vm_state'] == 'stopped'
    assert compute.driver.get_info(instance).state == power_state.SHUTDOWN

    instances.instance_update(instance['uuid'], {'task_state': 'powering-on'})
    compute.start_instance(ctx, instance)
    compute.tasks.waitall()
    assert instances.instance_get(instance['uuid'])['vm_state'] == 'active'
    assert compute.driver.get_info(instance).state == power_state.RUNNING


def test_unacceptable_image_aborts_the_build_without_rescheduling(compute, ctx):
    refused = exception.ImageUnacceptable(image_id='img', reason='it has a backing file')
    alternates = [{'host': 'cpu2', 'nodename': 'cpu2', 'compute_node_id': 2,
                   'resources': {}}]
    with mock.patch.object(compute.driver, 'spawn', side_effect=refused):
        built = _build(compute, ctx, _instance(ctx),
                       {'retry': {'num_attempts': 1, 'hosts': []}}, alternates)

    # On no host, so its claim is healed away and a delete needs no compute host.
    assert (built['vm_state'], built['task_state'], built['host'], built['node']) == (
        'error', None, None, None)
    compute.builder.compute_task.build_instances.assert_not_called()
    fault = actions.faults_get_latest([built['uuid']])[built['uuid']]
    assert 'it has a backing file' in fault['message']


def test_a_failed_power_action_leaves_a_fault_with_the_errors_own_message_and_code(
        compute, ctx):
    instance = _build(compute, ctx, _instance(ctx))
    instances.instance_update(instance['uuid'], {'task_state': 'pausing'})
    gone = exception.InstanceNotFound(instance_id=instance['uuid'])
    with mock.patch.object(compute.driver, 'pause', side_effect=gone):
        compute.pause_instance(ctx, instance)
        compute.tasks.waitall()
    fault = actions.faults_get_latest([instance['uuid']])[instance['uuid']]
    assert (fault['code'], fault['message'], fault['details']) == (
        404, gone.format_message(), 'InstanceNotFound')
    assert instances.instance_get(instance['uuid'])['task_state'] is None


def test_a_power_action_hands_the_driver_the_vifs_the_instance_carries(compute, ctx):
    instance = _build(compute, ctx, _instance(ctx))
    vifs = [{'id': 'port-1', 'address': 'fa:16:3e:00:00:01'}]
    instances.instance_update(instance['uuid'], {'task_state': 'pausing'})
    with mock.patch.object(compute.driver, 'pause') as pause, \
            mock.patch.object(compute.conductor, 'network_get') as network_get:
        compute.pause_instance(ctx, dict(instance, network_info=vifs))
        compute.tasks.waitall()
    pause.assert_called_once_with(ctx, mock.ANY, vifs)
    network_get.assert_not_called()
