"""POST /servers/{id}/action: power actions, lock, console output."""

from unittest import mock

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from novalite.db import actions as db_actions
from novalite.db import instances as db_instances
from tests.functional.api.conftest import make_instance


@pytest.fixture
def casts():
    with mock.patch.object(compute_rpcapi.ComputeAPI, '_cast') as cast:
        yield cast


def _action(api, server, body):
    return api.post(f"/servers/{server['uuid']}/action", body)


@pytest.mark.parametrize('vm_state, body, task_state, method', [
    ('stopped', {'os-start': None}, 'powering-on', 'start_instance'),
    ('active', {'os-stop': None}, 'powering-off', 'stop_instance'),
    ('active', {'pause': None}, 'pausing', 'pause_instance'),
    ('paused', {'unpause': None}, 'unpausing', 'unpause_instance'),
    ('active', {'suspend': None}, 'suspending', 'suspend_instance'),
    ('suspended', {'resume': None}, 'resuming', 'resume_instance'),
    ('active', {'reboot': {'type': 'SOFT'}}, 'rebooting', 'reboot_instance'),
    ('stopped', {'reboot': {'type': 'hard'}}, 'rebooting_hard', 'reboot_instance'),
])
def test_action_sets_task_state_records_it_and_casts(api, db, casts, vm_state, body,
                                                    task_state, method):
    server = make_instance(vm_state=vm_state)
    resp = _action(api, server, body)
    assert resp.status_int == 202
    assert db_instances.instance_get(server['uuid'])['task_state'] == task_state
    assert casts.call_args.args[1:3] == ('host1', method)
    [action] = db_actions.actions_get(server['uuid'])
    assert action['request_id'] == resp.headers['x-openstack-request-id']


def test_reboot_status_shows_reboot(api, db, casts):
    server = make_instance()
    _action(api, server, {'reboot': {'type': 'SOFT'}})
    assert api.get(f"/servers/{server['uuid']}").json['server']['status'] == 'REBOOT'


@pytest.mark.parametrize('vm_state, body', [
    ('active', {'os-start': None}),
    ('stopped', {'os-stop': None}),
    ('paused', {'suspend': None}),
    ('stopped', {'reboot': {'type': 'SOFT'}}),
])
def test_action_from_a_wrong_state_is_a_conflict_and_changes_nothing(api, db, casts,
                                                                   vm_state, body):
    server = make_instance(vm_state=vm_state)
    resp = _action(api, server, body)
    assert resp.status_int == 409
    assert f'while it is in vm_state {vm_state}' in resp.json['conflictingRequest']['message']
    assert db_instances.instance_get(server['uuid'])['task_state'] is None
    assert db_actions.actions_get(server['uuid']) == []
    casts.assert_not_called()


def test_action_during_another_task_is_a_conflict(api, db, casts):
    server = make_instance(task_state='powering-off')
    resp = _action(api, server, {'os-stop': None})
    assert resp.status_int == 409
    assert 'task_state powering-off' in resp.json['conflictingRequest']['message']


def test_hard_reboot_may_interrupt_a_soft_one(api, db, casts):
    server = make_instance(task_state='rebooting')
    assert _action(api, server, {'reboot': {'type': 'HARD'}}).status_int == 202


def test_action_on_an_unscheduled_server_is_a_conflict(api, db, casts):
    server = make_instance(host=None, vm_state='error')
    assert _action(api, server, {'os-stop': None}).status_int == 409


def test_locked_server_refuses_actions_to_its_owner_but_not_to_admins(api, admin, db, casts):
    server = make_instance()
    assert _action(api, server, {'lock': None}).status_int == 202
    assert api.at('2.9').get(f"/servers/{server['uuid']}").json['server']['locked'] is True
    assert _action(api, server, {'os-stop': None}).status_int == 409
    assert api.delete(f"/servers/{server['uuid']}").status_int == 409
    assert _action(admin, server, {'os-stop': None}).status_int == 202
    assert _action(api, server, {'unlock': None}).status_int == 202


def test_invalid_reboot_type_is_named(api, db, casts):
    resp = _action(api, make_instance(), {'reboot': {'type': 'GENTLE'}})
    assert resp.status_int == 400
    assert 'field/attribute type' in resp.json['badRequest']['message']


def test_unknown_action_is_a_bad_request(api, db):
    resp = _action(api, make_instance(), {'frobnicate': None})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'There is no such action: frobnicate'


def test_two_actions_in_one_body_are_refused(api, db):
    assert _action(api, make_instance(), {'pause': None, 'suspend': None}).status_int == 400


def test_action_on_another_projects_server_is_not_found(api, db, casts):
    assert _action(api, make_instance(project_id='other'), {'os-stop': None}).status_int == 404


def test_console_output_calls_the_host_with_the_length(api, db):
    server = make_instance()
    with mock.patch.object(compute_rpcapi.ComputeAPI, 'get_console_output',
                           return_value='login:') as call:
        resp = _action(api, server, {'os-getConsoleOutput': {'length': '10'}})
    assert resp.status_int == 200
    assert resp.json == {'output': 'login:'}
    assert call.call_args.kwargs['tail_length'] == 10


def test_console_output_length_minus_one_means_everything(api, db):
    with mock.patch.object(compute_rpcapi.ComputeAPI, 'get_console_output',
                           return_value='') as call:
        _action(api, make_instance(), {'os-getConsoleOutput': {'length': -1}})
    assert call.call_args.kwargs['tail_length'] is None


def test_console_output_of_unscheduled_server_is_a_conflict(api, db):
    server = make_instance(host=None, vm_state='building', task_state='scheduling')
    assert _action(api, server, {'os-getConsoleOutput': {}}).status_int == 409
