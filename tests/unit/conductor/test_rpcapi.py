"""How the API hands new builds to the conductor, across versions."""

from unittest import mock

from novalite import context
from novalite.conductor import rpcapi


def _hand_over(conf, cap=None):
    """The (call, cast) mocks after the API hands one new build over."""
    conf.set_override('conductor', cap, group='upgrade_levels')
    api = rpcapi.ComputeTaskAPI()
    call_context = type(api.client.prepare())
    with mock.patch.object(call_context, 'call') as call, \
            mock.patch.object(call_context, 'cast') as cast:
        api.schedule_and_build_instances(context.get_admin_context(), [{'uuid': 'u'}], {})
    return call, cast


def test_new_builds_are_a_call_answered_once_placed(conf):
    call, cast = _hand_over(conf)
    assert call.call_args.args[1] == 'schedule_and_build_instances'
    cast.assert_not_called()


def test_a_conductor_capped_at_1_0_gets_the_old_cast(conf):
    call, cast = _hand_over(conf, cap='1.0')
    assert cast.call_args.args[1] == 'build_instances'
    call.assert_not_called()
