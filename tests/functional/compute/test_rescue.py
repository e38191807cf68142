"""Rescue, unrescue and password changes on a compute host (fake hypervisor, real conductor).

The fake driver records the rescue and the passwords on its guests, so these
tests see what a hypervisor would hold next to what the database says.
"""

import base64
from unittest import mock

import oslo_messaging as messaging
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from novalite import context, exception
from novalite.compute import server_password
from novalite.db import actions, instances
from novalite.virt import power_state
from tests.functional.compute.test_manager import HOST, _build, _instance, direct_manager

AGENT = {'image_hw_qemu_guest_agent': 'yes', 'image_base_image_ref': 'img'}


@pytest.fixture
def ctx():
    return context.RequestContext(user_id='u', project_id='p', roles=['admin'])


@pytest.fixture
def compute(db, conf, tmp_path):
    """A compute manager on the fake driver, its conductor in process (as test_manager's)."""
    conf.set_override('images_path', str(tmp_path / 'images'), group='image')
    manager = direct_manager()
    manager.builder.compute_task = mock.Mock()
    manager.builder.images = manager.rescuer._images = mock.Mock(
        show=mock.Mock(return_value={'id': 'img'}))
    manager.driver.init_host(HOST)
    manager.tracker.report(context.get_admin_context())
    return manager


def _active(compute, ctx, **values):
    return _build(compute, ctx, _instance(ctx, **values))


def _begin(ctx, instance, action, task_state):
    actions.action_start(instance['uuid'], action, ctx.request_id, 'u', 'p')
    return instances.instance_update(instance['uuid'], {'task_state': task_state})


def _events(instance):
    [latest] = [a for a in actions.actions_get(instance['uuid'])
                if a['action'] not in ('create',)][:1] or [None]
    return {event['event']: event['result'] for event in
            actions.action_get_by_request_id(instance['uuid'], latest['request_id'])['events']}


def test_rescue_boots_the_base_image_and_ends_rescued(compute, ctx):
    instance = _begin(ctx, _active(compute, ctx, system_metadata=AGENT), 'rescue', 'rescuing')
    compute.rescue_instance(ctx, instance, 'pw', None)
    compute.tasks.waitall()

    rescued = instances.instance_get(instance['uuid'])
    assert (rescued['vm_state'], rescued['task_state'], rescued['power_state']) == (
        'rescued', None, power_state.RUNNING)
    assert compute.driver.guests[instance['uuid']]['rescue'] == {'image': 'img',
                                                                'mode': 'legacy'}
    compute.builder.images.show.assert_called_with('img')
    assert _events(instance) == {'compute_rescue_instance': 'Success'}


def test_rescue_with_a_stable_device_image_asks_the_driver_for_it(compute, ctx):
    instance = _begin(ctx, _active(compute, ctx), 'rescue', 'rescuing')
    compute.rescuer._images = mock.Mock(show=mock.Mock(return_value={
        'id': 'rescue-img', 'properties': {'hw_rescue_bus': 'virtio'}}))
    compute.rescue_instance(ctx, instance, 'pw', 'rescue-img')
    compute.tasks.waitall()
    compute.rescuer.images.show.assert_called_once_with('rescue-img')
    assert compute.driver.guests[instance['uuid']]['rescue']['mode'] == 'stable'


def test_a_failed_rescue_ends_in_error_with_the_drivers_reason(compute, ctx):
    instance = _begin(ctx, _active(compute, ctx), 'rescue', 'rescuing')
    with mock.patch.object(compute.driver, 'rescue', side_effect=RuntimeError('disk gone')):
        compute.rescue_instance(ctx, instance, 'pw', None)
        compute.tasks.waitall()
    failed = instances.instance_get(instance['uuid'])
    assert (failed['vm_state'], failed['task_state']) == ('error', None)
    fault = actions.faults_get_latest([instance['uuid']])[instance['uuid']]
    assert fault['message'] == (
        f"Instance {instance['uuid']} cannot be rescued: Driver Error: disk gone")
    assert _events(instance) == {'compute_rescue_instance': 'Error'}


def test_unrescue_ends_active_with_the_guest_back(compute, ctx):
    instance = _begin(ctx, _active(compute, ctx), 'rescue', 'rescuing')
    compute.rescue_instance(ctx, instance, 'pw', None)
    compute.tasks.waitall()
    instance = _begin(ctx, instances.instance_get(instance['uuid']), 'unrescue', 'unrescuing')
    compute.unrescue_instance(ctx, instance)
    compute.tasks.waitall()

    back = instances.instance_get(instance['uuid'])
    assert (back['vm_state'], back['task_state']) == ('active', None)
    assert 'rescue' not in compute.driver.guests[instance['uuid']]


def test_restart_during_a_rescue_rolls_back_to_the_servers_own_guest(compute, ctx):
    instance = _active(compute, ctx)
    compute.driver.rescue(ctx, instance, [], {'id': 'img'}, 'pw')
    _begin(ctx, instance, 'rescue', 'rescuing')

    compute.init_host(context.get_admin_context())

    settled = instances.instance_get(instance['uuid'])
    assert (settled['vm_state'], settled['task_state']) == ('active', None)
    assert 'rescue' not in compute.driver.guests[instance['uuid']]
    fault = actions.faults_get_latest([instance['uuid']])[instance['uuid']]
    assert 'the compute host restarted during the rescue' in fault['message']


def test_restart_during_a_rescue_of_a_stopped_server_leaves_it_stopped(compute, ctx):
    instance = _active(compute, ctx)
    compute.driver.power_off(ctx, instance, [])
    instance = instances.instance_update(instance['uuid'], {'vm_state': 'stopped',
                                                            'power_state': 4})
    _begin(ctx, instance, 'rescue', 'rescuing')
    compute.init_host(context.get_admin_context())
    settled = instances.instance_get(instance['uuid'])
    assert (settled['vm_state'], settled['task_state'], settled['power_state']) == (
        'stopped', None, power_state.SHUTDOWN)


def test_restart_during_an_unrescue_finishes_it(compute, ctx):
    instance = _active(compute, ctx)
    compute.driver.rescue(ctx, instance, [], {'id': 'img'}, 'pw')
    instances.instance_update(instance['uuid'], {'vm_state': 'rescued'})
    _begin(ctx, instance, 'unrescue', 'unrescuing')

    compute.init_host(context.get_admin_context())

    settled = instances.instance_get(instance['uuid'])
    assert (settled['vm_state'], settled['task_state']) == ('active', None)
    assert 'rescue' not in compute.driver.guests[instance['uuid']]


# Passwords

def _set_password(compute, ctx, instance, password):
    """The manager's RPC method, with what the dispatcher does to expected exceptions."""
    try:
        compute.set_admin_password(ctx, instance, password)
    except messaging.ExpectedException as wrapped:
        raise wrapped.exc_info[1] from None


def _rsa_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode()
    return key, public


def test_a_password_change_reaches_the_guest_and_ends_the_task(compute, ctx):
    instance = _begin(ctx, _active(compute, ctx, system_metadata=AGENT), 'changePassword',
                      'updating_password')
    _set_password(compute, ctx, instance, 's3cret')

    assert compute.driver.guests[instance['uuid']]['passwords'] == {'root': 's3cret'}
    after = instances.instance_get(instance['uuid'])
    assert after['task_state'] is None
    assert server_password.extract_password(after) == ''
    assert _events(instance) == {'compute_set_admin_password': 'Success'}


def test_with_an_rsa_key_the_password_is_kept_encrypted_for_its_owner(compute, ctx):
    key, public = _rsa_pair()
    instance = _begin(ctx, _active(compute, ctx, system_metadata=AGENT, key_data=public),
                      'changePassword', 'updating_password')
    _set_password(compute, ctx, instance, 's3cret')

    stored = server_password.extract_password(instances.instance_get(instance['uuid']))
    assert key.decrypt(base64.b64decode(stored), padding.PKCS1v15()) == b's3cret'
    assert instances.instance_get(instance['uuid'])['system_metadata']['image_base_image_ref'] \
        == 'img'


@pytest.mark.parametrize('values, error', [
    ({}, exception.QemuGuestAgentNotEnabled),
    ({'power_state': power_state.SHUTDOWN}, exception.InstancePasswordSetFailed),
])
def test_a_refused_password_change_still_ends_the_task(compute, ctx, values, error):
    instance = _active(compute, ctx, system_metadata={} if not values else AGENT)
    if values:
        compute.driver.power_off(ctx, instance, [])
    instance = _begin(ctx, instance, 'changePassword', 'updating_password')
    with pytest.raises(error):
        _set_password(compute, ctx, instance, 's3cret')
    assert instances.instance_get(instance['uuid'])['task_state'] is None
    assert _events(instance) == {'compute_set_admin_password': 'Error'}


def test_a_driver_failure_never_answers_with_the_drivers_words(compute, ctx):
    instance = _begin(ctx, _active(compute, ctx, system_metadata=AGENT), 'changePassword',
                      'updating_password')
    with mock.patch.object(compute.driver, 'set_admin_password',
                           side_effect=RuntimeError('chpasswd: bad s3cret')):
        with pytest.raises(exception.InstancePasswordSetFailed) as raised:
            _set_password(compute, ctx, instance, 's3cret')
    assert 's3cret' not in raised.value.format_message()
