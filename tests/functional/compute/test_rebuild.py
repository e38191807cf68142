"""Rebuild and evacuation on a compute host (fake hypervisor, conductor in process)."""

from unittest import mock

import pytest

from novalite import context
from novalite.compute import vm_states
from novalite.db import actions, instances, server_migrations
from novalite.virt import power_state
from tests.functional.compute.test_manager import HOST, _instance
from tests.functional.compute.test_manager import compute as compute  # noqa: F401
from tests.functional.compute.test_manager import ctx as ctx  # noqa: F401


@pytest.fixture
def rebuilder(compute):  # noqa: F811
    compute.rebuilder.conductor = compute.conductor
    compute.rebuilder.images = mock.Mock(show=lambda image_id: {'id': image_id})
    return compute


@pytest.fixture
def task_states(rebuilder, monkeypatch):
    """The task states the rebuild persisted, in order."""
    seen = []
    update = rebuilder.conductor.manager.instance_update

    def recording(ctxt, uuid, values, *args, **kwargs):
        if 'task_state' in values:
            seen.append(values['task_state'])
        return update(ctxt, uuid, values, *args, **kwargs)
    monkeypatch.setattr(rebuilder.conductor.manager, 'instance_update', recording)
    return seen


def _active(ctx, **values):  # noqa: F811
    values = dict({'vm_state': 'active', 'task_state': None, 'power_state': 1}, **values)
    return _instance(ctx, **values)


def _rebuild(compute, ctx, instance, image_ref='img2', **kwargs):  # noqa: F811
    instances.instance_update(instance['uuid'], {'task_state': vm_states.REBUILDING,
                                                 'image_ref': image_ref})
    actions.action_start(instance['uuid'], 'rebuild', ctx.request_id, 'u', 'p')
    compute.rebuild_instance(ctx, instances.instance_get(instance['uuid']), 'img', image_ref,
                             [], 'secret', **kwargs)
    compute.tasks.waitall()
    return instances.instance_get(instance['uuid'])


def test_rebuild_walks_nova_task_states_and_spawns_the_new_image(rebuilder, ctx, task_states):
    instance = _active(ctx)
    rebuilder.driver.spawn(ctx, instance, {'id': 'img'}, [], None, [])

    rebuilt = _rebuild(rebuilder, ctx, instance)
    assert task_states == ['rebuild_block_device_mapping', 'rebuild_spawning', None]
    assert (rebuilt['vm_state'], rebuilt['task_state'], rebuilt['power_state']) == (
        'active', None, power_state.RUNNING)
    assert rebuilder.driver.guests[instance['uuid']]['image_ref'] == 'img2'
    events = actions.action_get_by_request_id(instance['uuid'], ctx.request_id)['events']
    assert [(e['event'], e['result']) for e in events] == [
        ('compute_rebuild_instance', 'Success')]


def test_rebuild_of_a_stopped_server_leaves_it_stopped(rebuilder, ctx):
    instance = _active(ctx, vm_state='stopped', power_state=power_state.SHUTDOWN)
    rebuilder.driver.spawn(ctx, instance, {'id': 'img'}, [], None, [])
    rebuilt = _rebuild(rebuilder, ctx, instance)
    assert (rebuilt['vm_state'], rebuilt['power_state']) == ('stopped', power_state.SHUTDOWN)
    assert rebuilder.driver.get_info(rebuilt).state == power_state.SHUTDOWN


def test_rebuild_keeps_the_guests_volumes(rebuilder, ctx):
    instance = _active(ctx)
    rebuilder.driver.spawn(ctx, instance, {'id': 'img'}, [], None, [])
    rebuilder.driver.attach_volume(ctx, {'data': {'volume_id': 'vol-1'}}, instance, '/dev/vdb')
    _rebuild(rebuilder, ctx, instance)
    assert rebuilder.driver.guests[instance['uuid']]['volumes'] == {'/dev/vdb': 'vol-1'}


def test_failed_rebuild_ends_in_error_with_a_fault(rebuilder, ctx, conf):
    instance = _active(ctx)
    conf.set_override('fail_spawn_on_hosts', [HOST], group='fake')
    rebuilt = _rebuild(rebuilder, ctx, instance)
    assert (rebuilt['vm_state'], rebuilt['task_state']) == ('error', None)
    fault = actions.faults_get_latest([instance['uuid']])[instance['uuid']]
    assert 'fake spawn failure' in fault['message']


def _evacuating(ctx, source='dead-host'):  # noqa: F811
    instance = _active(ctx, host=source, node=source)
    migration = server_migrations.migration_create(instance, 'evacuation', status='accepted')
    return instance, migration


def test_evacuation_takes_the_server_over_and_marks_the_record_done(rebuilder, ctx):
    instance, migration = _evacuating(ctx)
    rebuilt = _rebuild(rebuilder, ctx, instance, image_ref='img', recreate=True,
                       migration=migration, scheduled_node=HOST)
    assert (rebuilt['host'], rebuilt['node'], rebuilt['vm_state']) == (HOST, HOST, 'active')
    assert server_migrations.migration_get(migration['uuid'])['status'] == 'done'
    assert rebuilder.driver.get_info(rebuilt).state == power_state.RUNNING


def test_evacuation_with_target_state_stopped_leaves_it_powered_off(rebuilder, ctx):
    instance, migration = _evacuating(ctx)
    rebuilt = _rebuild(rebuilder, ctx, instance, image_ref='img', recreate=True,
                       migration=migration, scheduled_node=HOST, target_state='stopped')
    assert (rebuilt['vm_state'], rebuilt['power_state']) == ('stopped', power_state.SHUTDOWN)


def test_failed_evacuation_gives_the_server_back_to_its_old_host(rebuilder, ctx, conf):
    instance, migration = _evacuating(ctx)
    conf.set_override('fail_spawn_on_hosts', [HOST], group='fake')
    rebuilt = _rebuild(rebuilder, ctx, instance, image_ref='img', recreate=True,
                       migration=migration, scheduled_node=HOST)
    assert (rebuilt['host'], rebuilt['vm_state']) == ('dead-host', 'error')
    assert server_migrations.migration_get(migration['uuid'])['status'] == 'failed'
    assert instance['uuid'] not in rebuilder.driver.guests


def test_restarted_old_host_destroys_evacuated_guests_and_never_starts_them(rebuilder, ctx):
    instance = _active(ctx)
    rebuilder.driver.spawn(ctx, instance, {'id': 'img'}, [], None, [])
    migration = server_migrations.migration_create(instance, 'evacuation', status='done')
    instances.instance_update(instance['uuid'], {'host': 'other', 'node': 'other'})

    rebuilder.init_host(context.get_admin_context())
    assert instance['uuid'] not in rebuilder.driver.guests
    assert server_migrations.migration_get(migration['uuid'])['status'] == 'completed'
    assert instances.instance_get(instance['uuid'])['host'] == 'other'


def test_restart_puts_an_instance_left_rebuilding_into_error(rebuilder, ctx):
    instance = _active(ctx, task_state='rebuild_spawning')
    rebuilder.init_host(context.get_admin_context())
    recovered = instances.instance_get(instance['uuid'])
    assert (recovered['vm_state'], recovered['task_state']) == ('error', None)


def test_evacuation_moves_the_volume_attachments_to_this_hosts_connector(rebuilder, ctx):
    from novalite.db import block_device_mappings as db_bdms
    instance, migration = _evacuating(ctx)
    bdm = db_bdms.bdm_create(instance['uuid'], {
        'volume_id': 'vol-1', 'attachment_id': 'att-1', 'device_name': '/dev/vdb',
        'source_type': 'volume', 'destination_type': 'volume', 'boot_index': None,
        'connection_info': {'driver_volume_type': 'iscsi', 'data': {'host': 'dead-host'}}})
    volume_api = mock.Mock()
    volume_api.attachment_update.return_value = {
        'connection_info': {'driver_volume_type': 'iscsi', 'data': {'host': HOST}}}
    rebuilder.rebuilder.volumes.conductor = rebuilder.conductor
    rebuilder.rebuilder.volumes.volume_api = volume_api

    rebuilt = _rebuild(rebuilder, ctx, instance, image_ref='img', recreate=True,
                       migration=migration, scheduled_node=HOST)
    assert rebuilt['vm_state'] == 'active'
    (_ctx, attachment_id, connector, device), _ = volume_api.attachment_update.call_args
    assert (attachment_id, connector['host'], device) == ('att-1', HOST, '/dev/vdb')
    volume_api.attachment_complete.assert_called_once_with(mock.ANY, 'att-1')
    assert rebuilder.driver.guests[instance['uuid']]['volumes'] == {'/dev/vdb': 'vol-1'}
    (stored,) = db_bdms.bdm_get_by_instance(instance['uuid'])
    assert stored['uuid'] == bdm['uuid'] and stored['connection_info']['data']['host'] == HOST
