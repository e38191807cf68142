"""Service liveness: up, lapsed (down lately), and the heartbeat's own timeout."""

import datetime
from unittest import mock

from novalite import servicegroup

NOW = datetime.datetime(2026, 12, 2, 8, 0, 0)


def _service(seconds_ago, **values):
    return dict(values, last_seen_up=NOW - datetime.timedelta(seconds=seconds_ago))


def test_a_service_that_beat_within_service_down_time_is_up(conf):
    assert servicegroup.is_up(_service(59), NOW)
    assert not servicegroup.is_up(_service(61), NOW)


def test_a_service_down_since_lately_has_lapsed_and_one_long_gone_has_not(conf):
    assert servicegroup.has_lapsed(_service(61), NOW)
    assert servicegroup.has_lapsed(_service(179), NOW)
    assert not servicegroup.has_lapsed(_service(181), NOW)
    assert not servicegroup.has_lapsed(_service(30), NOW)


def test_a_service_long_silent_has_lapsed_while_its_heartbeats_path_is_new(conf):
    # The conductor came back 30 s ago from an outage longer than the service's silence.
    assert servicegroup.has_lapsed(_service(3600), NOW, NOW - datetime.timedelta(seconds=30))
    assert not servicegroup.has_lapsed(_service(3600), NOW,
                                       NOW - datetime.timedelta(seconds=61))
    assert not servicegroup.has_lapsed(_service(30), NOW, NOW - datetime.timedelta(seconds=5))


def test_a_disabled_or_forced_down_service_has_not_lapsed(conf):
    assert not servicegroup.has_lapsed(_service(61, disabled=True), NOW)
    assert not servicegroup.has_lapsed(_service(61, forced_down=True), NOW)


def test_a_heartbeat_through_the_conductor_waits_less_than_the_rpc_timeout(conf):
    group = servicegroup.ConductorServiceGroup.__new__(servicegroup.ConductorServiceGroup)
    group.conductor = mock.Mock()
    group.heartbeat(None, {'id': 7})
    group.conductor.service_heartbeat.assert_called_once_with(None, 7, timeout=15)
