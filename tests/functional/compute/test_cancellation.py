"""Rebuild, shelve, offload and unshelve past their deadline are cancelled on the compute host.

The fake hypervisor's step hangs (``[fake] spawn_seconds``, ``snapshot_seconds``
or ``power_off_seconds`` far past the deadline); once the operation waits in
it, time is moved past the deadline and the host's reaper runs: the
operation must give up at once (the task pool drains long before the hung
step would have returned), undo what it made, and leave a fault naming the
step. No wall-clock deadline is waited out, so a loaded machine only makes
these slower, never flaky.

A cancelled operation's failure path runs after the reaper has ended its
task, so the API may already have accepted the next action: the failure
path must leave that action's task alone.
"""

import datetime
import time
from unittest import mock

import eventlet
import pytest
from oslo_utils import timeutils

from novalite.compute import events, vm_states
from novalite.db import actions, instances
from novalite.image import local as local_image
from tests.functional.compute import test_manager
from tests.functional.compute.test_manager import HOST, _build, _instance

compute = test_manager.compute
ctx = test_manager.ctx

_HUNG = 120
_DEADLINE = 5
# Far below the hung step: the pool drained because the step was cancelled.
_GAVE_UP_WITHIN = 60


@pytest.fixture
def hung(compute, conf):
    """Deadlines of ``_DEADLINE`` s on every task state; time moved back afterwards."""
    conf.set_override('task_state_deadlines', {'default': str(_DEADLINE)})
    compute.rebuilder.conductor = compute.conductor
    compute.rebuilder.images = mock.Mock(show=lambda image_id: {'id': image_id})
    yield compute
    timeutils.clear_time_override()


@pytest.fixture
def active(compute, ctx):
    return _build(compute, ctx, _instance(ctx))


@pytest.fixture
def images(conf):
    return local_image.get_image_service(conf)


def _waiting_in(compute, uuid, task_state, also=lambda: True):
    """Yield to the operation until it stands in ``task_state`` (and ``also()``) inside a
    cancellable operation; then it waits in the hung step."""
    for _ in range(2000):
        eventlet.sleep(0.01)
        if instances.instance_get(uuid)['task_state'] == task_state and also() and \
                uuid in compute.in_flight.running._threads:
            eventlet.sleep(0.05)
            return
    raise AssertionError(f'{uuid} never reached {task_state}')


def _reap_past_the_deadline(compute, ctx):
    """The reaper runs as if the deadline had passed; returns how long the pool took to drain."""
    timeutils.set_time_override(
        timeutils.utcnow() + datetime.timedelta(seconds=_DEADLINE + 5))
    compute.reaper.reap(ctx)
    started = time.monotonic()
    compute.tasks.waitall()
    return time.monotonic() - started


def _fault(uuid):
    return actions.faults_get_latest([uuid]).get(uuid, {}).get('message', '')


def _rebuild_hung_in_its_spawn(compute, ctx, conf, active):
    instances.instance_update(active['uuid'], {'task_state': vm_states.REBUILDING,
                                               'image_ref': 'img2'})
    actions.action_start(active['uuid'], 'rebuild', ctx.request_id, 'u', 'p')
    conf.set_override('spawn_seconds', _HUNG, group='fake')
    compute.rebuild_instance(ctx, instances.instance_get(active['uuid']), 'img', 'img2', [],
                             'secret')
    _waiting_in(compute, active['uuid'], vm_states.REBUILD_SPAWNING)


def test_a_rebuild_hung_in_its_spawn_is_cancelled_and_leaves_no_guest(
        hung, ctx, conf, active):
    _rebuild_hung_in_its_spawn(hung, ctx, conf, active)

    assert _reap_past_the_deadline(hung, ctx) < _GAVE_UP_WITHIN
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state']) == ('error', None)
    assert _fault(active['uuid']).startswith('Task state rebuild_spawning timed out')
    assert active['uuid'] not in hung.driver.guests


def test_a_shelve_hung_in_its_snapshot_is_cancelled_and_its_image_deleted(
        hung, ctx, conf, active, images):
    conf.set_override('shelved_offload_time', 0)
    image = images.create_record({'name': 'vm-shelved', 'properties': {}})
    instances.instance_update(active['uuid'], {'task_state': vm_states.SHELVING})
    conf.set_override('snapshot_seconds', _HUNG, group='fake')
    hung.shelve_instance(ctx, instances.instance_get(active['uuid']), image['id'])
    _waiting_in(hung, active['uuid'], vm_states.SHELVING,
                lambda: hung.snapshots.journal.pending(active['uuid']))

    assert _reap_past_the_deadline(hung, ctx) < _GAVE_UP_WITHIN
    after = instances.instance_get(active['uuid'])
    # Powered off by the shelve, not shelved: the guest is still here.
    assert (after['vm_state'], after['task_state'], after['host']) == ('stopped', None, HOST)
    assert _fault(active['uuid']).startswith('Task state shelving timed out')
    assert images.list() == []
    assert active['uuid'] in hung.driver.guests


def test_an_offload_hung_in_its_power_off_is_cancelled_and_the_server_stays_shelved(
        hung, ctx, conf, active):
    instances.instance_update(active['uuid'], {'vm_state': vm_states.SHELVED,
                                               'task_state': vm_states.SHELVING_OFFLOADING})
    conf.set_override('power_off_seconds', _HUNG, group='fake')
    hung.shelve_offload_instance(ctx, instances.instance_get(active['uuid']))
    _waiting_in(hung, active['uuid'], vm_states.SHELVING_OFFLOADING)

    assert _reap_past_the_deadline(hung, ctx) < _GAVE_UP_WITHIN
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state'], after['host']) == ('shelved', None, HOST)
    assert _fault(active['uuid']).startswith('Task state shelving_offloading timed out')


def test_an_unshelve_hung_in_its_spawn_is_cancelled_and_the_server_offloaded_again(
        hung, ctx, conf, active):
    hung.driver.destroy(ctx, active, [])
    instances.instance_update(active['uuid'], {'vm_state': vm_states.SHELVED_OFFLOADED,
                                               'task_state': vm_states.UNSHELVING})
    conf.set_override('spawn_seconds', _HUNG, group='fake')
    hung.unshelve_instance(ctx, instances.instance_get(active['uuid']), {'id': 'img'}, HOST)
    _waiting_in(hung, active['uuid'], vm_states.SPAWNING)

    assert _reap_past_the_deadline(hung, ctx) < _GAVE_UP_WITHIN
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state'], after['host']) == (
        'shelved_offloaded', None, None)
    assert _fault(active['uuid']).startswith('Task state spawning timed out')
    assert active['uuid'] not in hung.driver.guests


def _accepted_meanwhile(task_state, uuid):
    """What the API does when it accepts the next action while a cancelled
    operation still cleans up: its task is the only one there."""
    def accept(*args, **kwargs):
        instances.instance_update(uuid, {'task_state': task_state})
    return accept


def test_a_cancelled_snapshot_leaves_the_next_actions_task_alone(
        hung, ctx, conf, active, images):
    image = images.create_record({'name': 'stuck', 'properties': {}})
    instances.instance_update(active['uuid'], {'task_state': vm_states.IMAGE_SNAPSHOT_PENDING})
    conf.set_override('snapshot_seconds', _HUNG, group='fake')
    hung.snapshot_instance(ctx, instances.instance_get(active['uuid']), image['id'])
    _waiting_in(hung, active['uuid'], vm_states.IMAGE_SNAPSHOT)
    hung.snapshots.delete_image = mock.Mock(
        side_effect=_accepted_meanwhile(vm_states.POWERING_OFF, active['uuid']))

    assert _reap_past_the_deadline(hung, ctx) < _GAVE_UP_WITHIN
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state']) == ('active', vm_states.POWERING_OFF)
    assert _fault(active['uuid']).startswith('Task state image_snapshot timed out')


def _accepted_as_the_fault_is_recorded(task_state, uuid):
    """The next action is accepted just as the cancelled operation records its
    failure (the reaper records its fault itself)."""
    record_fault = events.record_fault
    accept = _accepted_meanwhile(task_state, uuid)

    def recording(*args, **kwargs):
        accept()
        return record_fault(*args, **kwargs)
    return mock.patch.object(events, 'record_fault', recording)


def test_a_cancelled_stop_leaves_the_next_actions_task_alone(hung, ctx, conf, active):
    instances.instance_update(active['uuid'], {'task_state': vm_states.POWERING_OFF})
    conf.set_override('power_off_seconds', _HUNG, group='fake')
    hung.stop_instance(ctx, instances.instance_get(active['uuid']))
    _waiting_in(hung, active['uuid'], vm_states.POWERING_OFF)

    with _accepted_as_the_fault_is_recorded(vm_states.REBOOTING_HARD, active['uuid']):
        assert _reap_past_the_deadline(hung, ctx) < _GAVE_UP_WITHIN
    after = instances.instance_get(active['uuid'])
    assert after['task_state'] == vm_states.REBOOTING_HARD
    assert _fault(active['uuid']).startswith('Task state powering-off timed out')


def test_a_cancelled_rebuild_leaves_a_delete_accepted_meanwhile_alone(
        hung, ctx, conf, active):
    _rebuild_hung_in_its_spawn(hung, ctx, conf, active)

    with _accepted_as_the_fault_is_recorded(vm_states.DELETING, active['uuid']):
        assert _reap_past_the_deadline(hung, ctx) < _GAVE_UP_WITHIN
    after = instances.instance_get(active['uuid'])
    assert (after['vm_state'], after['task_state']) == ('error', vm_states.DELETING)
