"""Rescue, unrescue, changePassword, os-server-password and lock with a reason, at the API.

Casts to the compute host are recorded, not delivered; the host's answer
to a password change (a call) is played by a mock.
"""

from unittest import mock

import pytest

from novalite import exception
from novalite.compute import rpcapi as compute_rpcapi
from novalite.compute import server_password
from novalite.db import actions as db_actions
from novalite.db import instances as db_instances
from tests.functional.api.conftest import make_instance


@pytest.fixture
def casts():
    with mock.patch.object(compute_rpcapi.ComputeAPI, 'rescue_instance') as rescue, \
            mock.patch.object(compute_rpcapi.ComputeAPI, 'unrescue_instance') as unrescue:
        yield {'rescue': rescue, 'unrescue': unrescue}


@pytest.fixture
def password_call():
    with mock.patch.object(compute_rpcapi.ComputeAPI, 'set_admin_password') as call:
        yield call


def _action(client, server, body):
    return client.post(f"/servers/{server['uuid']}/action", body)


def _show(client, server):
    return client.get(f"/servers/{server['uuid']}").json['server']


# Rescue

def test_rescue_answers_the_password_records_the_action_and_casts(api, db, casts):
    server = make_instance(vm_state='stopped')
    resp = _action(api, server, {'rescue': {'adminPass': 'let-me-in'}})
    assert (resp.status_int, resp.json) == (200, {'adminPass': 'let-me-in'})
    assert db_instances.instance_get(server['uuid'])['task_state'] == 'rescuing'
    assert [a['action'] for a in db_actions.actions_get(server['uuid'])] == ['rescue']
    kwargs = casts['rescue'].call_args.kwargs
    assert (kwargs['rescue_password'], kwargs['rescue_image_ref']) == ('let-me-in', None)


def test_rescue_without_a_password_generates_one(api, db, casts, conf):
    resp = _action(api, make_instance(), {'rescue': None})
    assert resp.status_int == 200
    assert len(resp.json['adminPass']) == conf.api.password_length
    assert casts['rescue'].call_args.kwargs['rescue_password'] == resp.json['adminPass']


def test_rescue_keeps_the_password_to_itself_when_instance_passwords_are_off(api, db, casts,
                                                                           conf):
    conf.set_override('enable_instance_password', False, group='api')
    resp = _action(api, make_instance(), {'rescue': {'adminPass': 'let-me-in'}})
    assert (resp.status_int, resp.json) == (200, {})


def test_rescue_with_an_image_casts_its_id(api, db, casts, image):
    resp = _action(api, make_instance(), {'rescue': {'rescue_image_ref': image['id']}})
    assert resp.status_int == 200
    assert casts['rescue'].call_args.kwargs['rescue_image_ref'] == image['id']


def test_rescue_with_an_unknown_image_is_refused_and_changes_nothing(api, db, casts):
    server = make_instance()
    missing = '11111111-2222-4333-8444-555555555555'
    resp = _action(api, server, {'rescue': {'rescue_image_ref': missing}})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        f"Requested rescue image '{missing}' is not supported")
    assert db_instances.instance_get(server['uuid'])['task_state'] is None
    casts['rescue'].assert_not_called()


@pytest.mark.parametrize('body', [
    {'rescue': {'adminPass': 'x', 'extra': 1}},
    {'rescue': {'rescue_image_ref': 'not-a-uuid'}},
    {'rescue': {'adminPass': 'x' * 256}},
    {'rescue': 'now'},
])
def test_malformed_rescue_bodies_are_bad_requests(api, db, casts, body):
    assert _action(api, make_instance(), body).status_int == 400
    casts['rescue'].assert_not_called()


@pytest.mark.parametrize('vm_state, task_state', [('paused', None), ('rescued', None),
                                                  ('active', 'rebooting')])
def test_rescue_from_a_wrong_state_is_a_conflict(api, db, casts, vm_state, task_state):
    server = make_instance(vm_state=vm_state, task_state=task_state)
    resp = _action(api, server, {'rescue': None})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'].startswith(
        f"Cannot 'rescue' instance {server['uuid']} while it is in")
    assert db_actions.actions_get(server['uuid']) == []


def test_a_locked_server_is_not_rescued_for_its_owner(api, admin, db, casts):
    server = make_instance(locked=True)
    resp = _action(api, server, {'rescue': None})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        f"Instance {server['uuid']} is locked")
    assert _action(admin, server, {'rescue': None}).status_int == 200


def test_a_volume_backed_server_cannot_be_rescued(api, db, casts):
    server = make_instance(image_ref='')
    resp = _action(api, server, {'rescue': None})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        f"Instance {server['uuid']} cannot be rescued: Cannot rescue a volume-backed instance")


def test_a_rescued_server_shows_rescue_and_unrescues(api, db, casts):
    server = make_instance(vm_state='rescued')
    assert _show(api, server)['status'] == 'RESCUE'
    assert _action(api, server, {'unrescue': None}).status_int == 202
    assert db_instances.instance_get(server['uuid'])['task_state'] == 'unrescuing'
    assert casts['unrescue'].called
    assert [a['action'] for a in db_actions.actions_get(server['uuid'])] == ['unrescue']


def test_unrescue_of_an_active_server_is_a_conflict(api, db, casts):
    server = make_instance()
    resp = _action(api, server, {'unrescue': None})
    assert resp.status_int == 409
    assert 'while it is in vm_state active' in resp.json['conflictingRequest']['message']


@pytest.mark.parametrize('rule, body', [
    ('os_compute_api:os-rescue', {'rescue': None}),
    ('os_compute_api:os-unrescue', {'unrescue': None}),
    ('os_compute_api:os-admin-password', {'changePassword': {'adminPass': 'x'}}),
])
def test_each_action_has_its_rule(api, db, casts, password_call, conf, tmp_path, rule, body):
    (tmp_path / 'policy.yaml').write_text(f'"{rule}": "rule:context_is_admin"\n')
    conf.set_override('policy_file', str(tmp_path / 'policy.yaml'), group='oslo_policy')
    server = make_instance(vm_state='rescued' if 'unrescue' in body else 'active')
    resp = _action(api, server, body)
    assert resp.status_int == 403
    assert rule in resp.json['forbidden']['message']
    assert db_instances.instance_get(server['uuid'])['task_state'] is None


# changePassword

def test_change_password_asks_the_host_and_answers_202(api, db, password_call):
    server = make_instance()
    resp = _action(api, server, {'changePassword': {'adminPass': 'n3w'}})
    assert resp.status_int == 202
    assert password_call.call_args.args[2] == 'n3w'
    assert db_instances.instance_get(server['uuid'])['task_state'] == 'updating_password'
    assert [a['action'] for a in db_actions.actions_get(server['uuid'])] == ['changePassword']


def test_change_password_status_shows_password(api, db, password_call):
    server = make_instance()
    _action(api, server, {'changePassword': {'adminPass': 'n3w'}})
    assert _show(api, server)['status'] == 'PASSWORD'


@pytest.mark.parametrize('error, status, message', [
    (exception.QemuGuestAgentNotEnabled(), 409, 'QEMU guest agent is not enabled'),
    (exception.SetAdminPasswdNotSupported(), 409, 'Set admin password is not supported'),
    (exception.InstancePasswordSetFailed(instance='x', reason='error setting admin password'),
     409, 'Failed to set admin password on x because error setting admin password'),
    (exception.PasswordSetNotImplemented(), 501, 'Unable to set password on instance'),
])
def test_what_the_host_says_of_a_password_change_is_the_answer(api, db, password_call, error,
                                                              status, message):
    password_call.side_effect = error
    resp = _action(api, make_instance(), {'changePassword': {'adminPass': 'n3w'}})
    assert resp.status_int == status
    assert next(iter(resp.json.values()))['message'] == message


@pytest.mark.parametrize('body', [{'changePassword': {}}, {'changePassword': None},
                                  {'changePassword': {'adminPass': 'x', 'y': 1}},
                                  {'changePassword': {'adminPass': 7}}])
def test_malformed_change_password_bodies_are_bad_requests(api, db, password_call, body):
    assert _action(api, make_instance(), body).status_int == 400
    password_call.assert_not_called()


def test_change_password_of_a_stopped_server_is_a_conflict(api, db, password_call):
    server = make_instance(vm_state='stopped')
    resp = _action(api, server, {'changePassword': {'adminPass': 'n3w'}})
    assert resp.status_int == 409
    assert "Cannot 'changePassword' instance" in resp.json['conflictingRequest']['message']
    password_call.assert_not_called()


# os-server-password

def test_server_password_is_empty_until_one_is_stored_then_cleared(api, db):
    server = make_instance()
    path = f"/servers/{server['uuid']}/os-server-password"
    assert api.get(path).json == {'password': ''}
    stored = 'c2VjcmV0' * 100
    db_instances.instance_update(server['uuid'], {'system_metadata': dict(
        server['system_metadata'], **server_password.convert_password(stored))})
    assert api.get(path).json == {'password': stored}
    resp = api.delete(path)
    assert (resp.status_int, resp.body) == (204, b'')
    assert api.get(path).json == {'password': ''}
    assert db_instances.instance_get(server['uuid'])['system_metadata']['security_groups'] == (
        'default')


def test_another_projects_server_password_is_not_found(api, db):
    server = make_instance(project_id='other')
    assert api.get(f"/servers/{server['uuid']}/os-server-password").status_int == 404
    assert api.delete(f"/servers/{server['uuid']}/os-server-password").status_int == 404


# Lock with a reason (2.73)

def test_lock_with_a_reason_shows_it_and_unlock_drops_it(api, db, beyond_max):
    server = make_instance()
    client = api.at('2.73')
    assert _action(client, server, {'lock': {'locked_reason': 'forensics'}}).status_int == 202
    shown = _show(client, server)
    assert (shown['locked'], shown['locked_reason']) == (True, 'forensics')
    assert client.get('/servers/detail').json['servers'][0]['locked_reason'] == 'forensics'
    assert _action(client, server, {'unlock': None}).status_int == 202
    shown = _show(client, server)
    assert (shown['locked'], shown['locked_reason']) == (False, None)


def test_lock_without_a_reason_shows_none(api, db, beyond_max):
    server = make_instance()
    client = api.at('2.73')
    assert _action(client, server, {'lock': None}).status_int == 202
    assert _show(client, server)['locked_reason'] is None


def test_before_273_the_reason_is_neither_taken_nor_shown(api, db, beyond_max):
    server = make_instance()
    assert _action(api.at('2.72'), server, {'lock': {'locked_reason': 'x'}}).status_int == 202
    assert 'locked_reason' not in _show(api.at('2.72'), server)
    assert _show(api.at('2.73'), server)['locked_reason'] is None


@pytest.mark.parametrize('body', [{'lock': {'locked_reason': ''}},
                                  {'lock': {'locked_reason': 'x' * 256}},
                                  {'lock': {'reason': 'x'}}])
def test_bad_lock_reasons_are_refused_and_lock_nothing(api, db, beyond_max, body):
    server = make_instance()
    assert _action(api.at('2.73'), server, body).status_int == 400
    assert db_instances.instance_get(server['uuid'])['locked'] is False
