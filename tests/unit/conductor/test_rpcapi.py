"""What goes over the wire to the conductor, across versions."""

import uuid
from unittest import mock

import pytest

from novalite import context
from novalite.conductor import rpcapi


def _hand_over(conf, cap=None):
    """The (call, cast) mocks after the API hands one new build over."""
    conf.set_override('conductor', cap, group='upgrade_levels')
    api = rpcapi.ComputeTaskAPI()
    call_context = type(api.client.prepare())
    with mock.patch.object(call_context, 'call') as call, \
            mock.patch.object(call_context, 'cast') as cast:
        api.schedule_and_build_instances(context.get_admin_context(),
                                         [{'uuid': str(uuid.uuid4())}], {})
    return call, cast


def test_new_builds_are_a_call_answered_once_placed(conf):
    call, cast = _hand_over(conf)
    assert call.call_args.args[1] == 'schedule_and_build_instances'
    cast.assert_not_called()


def test_a_conductor_capped_at_1_0_gets_the_old_cast(conf):
    call, cast = _hand_over(conf, cap='1.0')
    assert cast.call_args.args[1] == 'build_instances'
    call.assert_not_called()


_START = {'event': 'compute__do_build_and_run_instance', 'host': 'h1'}


def _messages(conf, send, cap=None):
    """``(call or cast, method)`` of each message ``send(api, context)`` sends."""
    conf.set_override('conductor', cap, group='upgrade_levels')
    api = rpcapi.ConductorAPI()
    call_context = type(api.client.prepare())
    sent = mock.Mock()
    sent.call.return_value = None
    with mock.patch.object(call_context, 'call', sent.call), \
            mock.patch.object(call_context, 'cast', sent.cast):
        send(api, context.get_admin_context())
    return [(kind, args[1]) for kind, args, _kwargs in sent.mock_calls]


def _update(action_event):
    return lambda api, ctx: api.instance_update(ctx, 'u', {'task_state': 'spawning'},
                                                action_event=action_event)


def test_a_state_change_and_its_event_are_one_message(conf):
    assert _messages(conf, _update(_START)) == [('call', 'instance_update')]


def test_a_conductor_capped_at_1_0_gets_the_event_start_first(conf):
    assert _messages(conf, _update(_START), cap='1.0') == [
        ('call', 'action_event_start'), ('call', 'instance_update')]


def test_an_event_start_is_recorded_before_the_step_goes_on(conf):
    def start(api, ctx):
        api.action_event_start(ctx, 'u', 'req-1', _START['event'], _START['host'])
    assert _messages(conf, start) == [('call', 'action_event_start')]


def test_a_conductor_capped_at_1_0_gets_an_event_end_cast_after(conf):
    assert _messages(conf, _update(dict(_START, result='Success')), cap='1.0') == [
        ('call', 'instance_update'), ('cast', 'action_event_finish')]


@pytest.mark.parametrize('cap, messages', [
    (None, [('call', 'instance_destroy')]),
    ('1.0', [('call', 'instance_destroy'), ('cast', 'action_event_finish')])])
def test_a_delete_carries_the_end_of_its_event(conf, cap, messages):
    def destroy(api, ctx):
        api.instance_destroy(ctx, 'u', dict(_START, result='Success'))
    assert _messages(conf, destroy, cap=cap) == messages


def _update_call(conf, cap=None):
    """``(version, kwargs)`` of the call an update that needs no read-back makes."""
    conf.set_override('conductor', cap, group='upgrade_levels')
    api = rpcapi.ConductorAPI()
    call_context = type(api.client.prepare())
    with mock.patch.object(call_context, 'call', autospec=True) as call:
        api.instance_update(context.get_admin_context(), 'u', {'task_state': 'spawning'},
                            action_event=_START, read_back=False)
    sender = call.call_args.args[0]
    return sender.target.version, call.call_args.kwargs


def test_an_update_whose_result_is_unused_asks_for_no_read_back(conf):
    version, kwargs = _update_call(conf)
    assert version == '1.3' and kwargs['read_back'] is False
    assert kwargs['action_event'] == _START


def test_a_conductor_capped_at_1_2_is_asked_for_no_read_back_at_1_2(conf):
    version, kwargs = _update_call(conf, cap='1.2')
    assert version == '1.2' and kwargs['read_back'] is False
    assert 'object_versions' not in kwargs


def test_a_conductor_capped_at_1_1_reads_the_instance_back_anyway(conf):
    version, kwargs = _update_call(conf, cap='1.1')
    assert version == '1.1' and 'read_back' not in kwargs
