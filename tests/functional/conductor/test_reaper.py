"""The conductor ends expired task states that no live compute host owns."""

import datetime
import uuid

import pytest
from oslo_utils import timeutils

from novalite import context
from novalite.conductor import reaper
from novalite.db import actions, claims, instances, services

FLAVOR = {'flavorid': '1', 'name': 'small', 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
          'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}}


@pytest.fixture
def deadlines(db, conf):
    conf.set_override('task_state_deadlines', {'scheduling': '600', 'default': '300'})
    yield
    timeutils.clear_time_override()


def _compute_host(host, up=True):
    service = services.service_get_or_create(host, 'novalite-compute', 'compute')
    services.service_update(service['id'], {'forced_down': not up})
    return services.compute_node_report(host, host, {
        'hypervisor_type': 'fake', 'availability_zone': 'nova', 'vcpus': 4,
        'memory_mb': 4096, 'local_gb': 40})


def _instance(**values):
    defaults = {'uuid': str(uuid.uuid4()), 'project_id': 'p', 'user_id': 'u',
                'hostname': 'vm', 'display_name': 'vm', 'image_ref': 'img', 'flavor': FLAVOR,
                'memory_mb': 512, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0,
                'vm_state': 'building', 'task_state': 'scheduling'}
    (instance,) = instances.instances_create([dict(defaults, **values)])
    return instance


def _reap_after(seconds):
    timeutils.set_time_override(timeutils.utcnow() + datetime.timedelta(seconds=seconds))
    return reaper.reap(context.get_admin_context())


def _fault(uuid):
    return actions.faults_get_latest([uuid]).get(uuid, {}).get('message', '')


def test_a_build_scheduling_past_its_deadline_goes_to_error_and_frees_its_claim(deadlines):
    node = _compute_host('host1')
    instance = _instance()
    claims.claim(instance['uuid'], node['id'], {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1})
    # Margins wide enough for a busy machine's seconds between the steps.
    assert _reap_after(570) == []
    assert _reap_after(60) == [instance['uuid']]
    found = instances.instance_get(instance['uuid'])
    assert (found['vm_state'], found['task_state']) == ('error', None)
    assert 'scheduling timed out' in _fault(instance['uuid'])
    assert claims.allocations_get_by_consumer(instance['uuid']) == []


def test_a_delete_stuck_on_a_down_host_is_finished_here(deadlines):
    _compute_host('host1', up=False)
    instance = _instance(vm_state='active', task_state='deleting', host='host1')
    assert _reap_after(301) == [instance['uuid']]
    assert instances.instance_get(instance['uuid'], read_deleted=True)['vm_state'] == 'deleted'


def test_an_action_stuck_on_a_down_host_is_cleared_with_a_fault(deadlines):
    _compute_host('host1', up=False)
    instance = _instance(vm_state='active', task_state='powering-off', host='host1')
    _reap_after(301)
    found = instances.instance_get(instance['uuid'])
    assert (found['vm_state'], found['task_state']) == ('active', None)
    assert 'powering-off timed out' in _fault(instance['uuid'])
    assert 'compute host host1 is down' in _fault(instance['uuid'])


def test_a_task_on_a_live_host_is_left_to_that_host(deadlines):
    _compute_host('host1')
    long_ago = timeutils.utcnow() - datetime.timedelta(seconds=301)
    instance = _instance(task_state='spawning', host='host1', created_at=long_ago,
                         updated_at=long_ago)
    assert reaper.reap(context.get_admin_context()) == []
    assert instances.instance_get(instance['uuid'])['task_state'] == 'spawning'
