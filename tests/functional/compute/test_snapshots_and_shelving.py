"""A compute host's snapshots and shelving on the fake hypervisor: failures, the periodic
offload and restart recovery (the conductor and the image store are real)."""

import datetime
from unittest import mock

import pytest
from oslo_utils import timeutils

from novalite.db import actions, instances
from novalite.image import local as local_image
from tests.functional.compute import test_manager
from tests.functional.compute.test_manager import HOST, _build, _instance

# The compute manager's fixtures (a fake-driver manager with the conductor in process).
compute = test_manager.compute
ctx = test_manager.ctx


@pytest.fixture
def images(conf):
    return local_image.get_image_service(conf)


@pytest.fixture
def active(compute, ctx):
    return _build(compute, ctx, _instance(ctx))


def _queued(images, name='snap'):
    return images.create_record({'name': name, 'properties': {}})


def _run(compute, method, *args):
    getattr(compute, method)(*args)
    compute.tasks.waitall()


def test_a_snapshot_walks_its_task_states_and_fills_the_image(compute, ctx, active, images):
    image = _queued(images)
    seen = []
    real_update = compute.conductor.instance_update

    def record(context, uuid, values, **kwargs):
        seen.append(values.get('task_state'))
        return real_update(context, uuid, values, **kwargs)
    instances.instance_update(active['uuid'], {'task_state': 'image_snapshot_pending'})
    with mock.patch.object(compute.snapshots.conductor, 'instance_update', record):
        _run(compute, 'snapshot_instance', ctx, active, image['id'])
    assert seen == ['image_snapshot', 'image_pending_upload', 'image_uploading', None]
    assert images.show(image['id'])['status'] == 'active'
    assert images.show(image['id'])['disk_format'] == 'raw'


def test_a_failed_upload_deletes_the_image_and_clears_the_task_with_a_fault(
        compute, ctx, active, images):
    image = _queued(images)
    instances.instance_update(active['uuid'], {'task_state': 'image_snapshot_pending'})
    with mock.patch.object(local_image.LocalImageService, 'upload',
                           side_effect=OSError('disk full')):
        _run(compute, 'snapshot_instance', ctx, active, image['id'])
    assert images.list() == []
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state']) == ('active', None)
    assert 'disk full' in actions.faults_get_latest([active['uuid']])[active['uuid']]['message']


def test_servers_shelved_longer_than_the_offload_time_are_offloaded(compute, ctx, conf,
                                                                    images):
    conf.set_override('shelved_offload_time', 60)
    old, new = (_build(compute, ctx, _instance(ctx)) for _ in range(2))
    long_ago = (timeutils.utcnow() - datetime.timedelta(seconds=120)).isoformat()
    for instance, shelved_at in ((old, long_ago), (new, timeutils.utcnow().isoformat())):
        instances.instance_update(instance['uuid'], {
            'vm_state': 'shelved', 'system_metadata': {'shelved_at': shelved_at,
                                                       'shelved_image_id': 'i'}})
    compute.shelver.offload_expired(ctx)
    compute.tasks.waitall()
    assert instances.instance_get(old['uuid'])['vm_state'] == 'shelved_offloaded'
    assert instances.instance_get(old['uuid'])['host'] is None
    assert old['uuid'] not in compute.driver.guests
    assert instances.instance_get(new['uuid'])['vm_state'] == 'shelved'


def test_restart_mid_upload_deletes_the_half_image_and_the_server_is_active(
        compute, ctx, active, images):
    image = _queued(images)
    images.update(image['id'], lambda record: record.update(status='saving'))
    compute.snapshots.journal.record(active['uuid'], image['id'])
    instances.instance_update(active['uuid'], {'task_state': 'image_uploading'})
    compute.init_host(ctx)
    compute.tasks.waitall()
    assert images.list() == []
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state']) == ('active', None)


def test_restart_after_a_shelve_uploaded_its_image_completes_the_shelve(
        compute, ctx, conf, active, images):
    conf.set_override('shelved_offload_time', -1)
    image = images.create_record({'name': 'vm-shelved', 'properties': {}})
    images.upload(image['id'], iter([b'data']))
    compute.snapshots.journal.record(active['uuid'], image['id'])
    instances.instance_update(active['uuid'], {'task_state': 'shelving_image_uploading'})
    compute.init_host(ctx)
    compute.tasks.waitall()
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state']) == ('shelved', None)
    assert after['system_metadata']['shelved_image_id'] == image['id']
    assert images.show(image['id'])['status'] == 'active'


def test_restart_mid_offload_finishes_it(compute, ctx, active):
    instances.instance_update(active['uuid'], {'vm_state': 'shelved',
                                               'task_state': 'shelving_offloading'})
    compute.init_host(ctx)
    compute.tasks.waitall()
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state'], after['host']) == (
        'shelved_offloaded', None, None)
    assert active['uuid'] not in compute.driver.guests


def test_a_failed_unshelve_spawn_leaves_the_server_offloaded(compute, ctx, active):
    instances.instance_update(active['uuid'], {'vm_state': 'shelved_offloaded',
                                               'task_state': 'unshelving'})
    compute.driver.destroy(ctx, active, [])
    with mock.patch.object(compute.driver, 'spawn', side_effect=RuntimeError('no room')):
        _run(compute, 'unshelve_instance', ctx, instances.instance_get(active['uuid']),
             {'id': 'img'}, HOST)
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state'], after['host']) == (
        'shelved_offloaded', None, None)
    assert 'no room' in actions.faults_get_latest([active['uuid']])[active['uuid']]['message']
