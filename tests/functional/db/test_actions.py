"""Instance action events, recorded by casts that may arrive in any order."""

import pytest
from oslo_db import exception as db_exc

from novalite import exception
from novalite.db import actions, instances


@pytest.fixture
def action(db):
    return actions.action_start('inst-1', 'create', 'req-1', 'user', 'project')


def _events(action):
    return actions.action_get_by_request_id('inst-1', 'req-1')['events']


def test_finish_closes_the_open_event_of_the_same_host(action):
    actions.event_start('inst-1', 'req-1', 'compute__do_build_and_run_instance', 'h1')
    actions.event_finish_named('inst-1', 'req-1', 'compute__do_build_and_run_instance', 'h1',
                               'Success')
    (event,) = _events(action)
    assert event['result'] == 'Success' and event['finish_time'] is not None


def test_finish_arriving_before_its_start_records_the_event(action):
    actions.event_finish_named('inst-1', 'req-1', 'compute__do_build_and_run_instance', 'h1',
                               'Error', traceback='boom')
    (event,) = _events(action)
    assert (event['result'], event['traceback']) == ('Error', 'boom')


def test_an_error_event_marks_its_action(action):
    actions.event_finish_named('inst-1', 'req-1', 'compute_stop_instance', 'h1', 'Error')
    assert actions.actions_get('inst-1')[0]['message'] == 'Error'


def test_events_of_a_retried_build_stay_separate_per_host(action):
    for host, result in (('h1', 'Error'), ('h2', 'Success')):
        actions.event_start('inst-1', 'req-1', 'compute__do_build_and_run_instance', host)
        actions.event_finish_named('inst-1', 'req-1', 'compute__do_build_and_run_instance',
                                   host, result)
    assert [(e['host'], e['result']) for e in _events(action)] == [('h1', 'Error'),
                                                                     ('h2', 'Success')]


def test_event_for_an_unknown_request_is_refused(db):
    with pytest.raises(exception.InstanceActionNotFound):
        actions.event_start('inst-1', 'req-unknown', 'compute_stop_instance', 'h1')


_BUILD_EVENT = {'request_id': 'req-1', 'event': 'compute__do_build_and_run_instance',
                'host': 'h1'}


@pytest.fixture
def building(db):
    instances.instances_create([{
        'uuid': 'inst-1', 'project_id': 'p', 'user_id': 'u', 'memory_mb': 64, 'vcpus': 1,
        'root_gb': 1, 'ephemeral_gb': 0, 'vm_state': 'building', 'task_state': 'scheduling',
        'flavor': {'flavorid': '1'}}])


def _spawn(action_event, expected='scheduling'):
    return instances.instance_update('inst-1', {'task_state': 'spawning'},
                                     expected_task_state=expected, action_event=action_event)


def test_state_changes_record_the_start_and_end_of_their_event(building, action):
    _spawn(_BUILD_EVENT)
    instances.instance_update('inst-1', {'task_state': None, 'vm_state': 'active'},
                              expected_task_state='spawning',
                              action_event=dict(_BUILD_EVENT, result='Success'))
    (event,) = _events(action)
    assert event['result'] == 'Success' and event['finish_time'] is not None


def test_a_refused_state_change_records_no_event(building, action):
    with pytest.raises(exception.UnexpectedTaskStateError):
        _spawn(_BUILD_EVENT, expected='networking')
    assert _events(action) == []


def test_a_state_change_under_no_action_is_made_without_its_event(building):
    assert _spawn(dict(_BUILD_EVENT, request_id='req-unknown'))['task_state'] == 'spawning'


def test_a_delete_records_the_end_of_its_event(building, action):
    actions.event_start('inst-1', 'req-1', 'compute_terminate_instance', 'h1')
    instances.instance_destroy('inst-1', action_event={
        'request_id': 'req-1', 'event': 'compute_terminate_instance', 'host': 'h1',
        'result': 'Success'})
    (event,) = _events(action)
    assert event['result'] == 'Success'


def test_an_update_without_read_back_answers_none_and_still_updates(building):
    assert instances.instance_update('inst-1', {'task_state': 'spawning'},
                                     read_back=False) is None
    assert instances.instance_get('inst-1')['task_state'] == 'spawning'


def test_a_state_change_that_deadlocks_runs_again_whole(building, action, monkeypatch):
    real_record = actions.record_event
    attempts = []

    def deadlock_once(session, *args, **kwargs):
        attempts.append(args)
        if len(attempts) == 1:
            raise db_exc.DBDeadlock()
        return real_record(session, *args, **kwargs)

    monkeypatch.setattr(actions, 'record_event', deadlock_once)
    assert _spawn(_BUILD_EVENT)['task_state'] == 'spawning'
    assert len(attempts) == 2
    assert len(_events(action)) == 1
