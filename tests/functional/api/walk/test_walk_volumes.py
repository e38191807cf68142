"""os-server-external-events step by step through its microversions: the event names
each version accepts (2.51 volume-extended, 2.76 power-update, 2.82
accelerator-request-bound, 2.93 volume-reimaged). The flows run in
tests/functional/api/test_server_external_events.py and the all-in-one volume tests.
"""

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from tests.functional.api.conftest import make_instance


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'external_instance_event',
                        lambda self, ctx, host, instances, events: calls.append(events))
    return calls


def _previous(version):
    major, minor = version.split('.')
    return f'{major}.{int(minor) - 1}'


def _walk(admin, sent, name, version):
    """Refused (400) at the version before, accepted (200) at ``version``."""
    server = make_instance()
    body = {'events': [{'name': name, 'server_uuid': server['uuid'], 'tag': 't'}]}
    before = admin.post('/os-server-external-events', body, version=_previous(version))
    assert before.status_int == 400
    assert sent == []
    at = admin.post('/os-server-external-events', body, version=version)
    assert at.status_int == 200
    assert at.json['events'][0]['code'] == 200


def test_volume_extended_event_from_2_51(admin, sent, beyond_max):
    _walk(admin, sent, 'volume-extended', '2.51')


def test_power_update_event_from_2_76(admin, sent, beyond_max):
    _walk(admin, sent, 'power-update', '2.76')


def test_accelerator_request_bound_event_from_2_82(admin, sent, beyond_max):
    _walk(admin, sent, 'accelerator-request-bound', '2.82')


def test_volume_reimaged_event_from_2_93(admin, sent):
    _walk(admin, sent, 'volume-reimaged', '2.93')


def test_network_events_are_accepted_from_2_1(admin, sent):
    server = make_instance()
    body = {'events': [{'name': 'network-vif-plugged', 'server_uuid': server['uuid'],
                        'status': 'completed'}]}
    assert admin.post('/os-server-external-events', body, version='2.1').status_int == 200
