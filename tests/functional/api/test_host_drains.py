"""os-host-drains (novalite's own): starting a drain records it, disables the host, plans moves."""

import pytest

from novalite.conductor import rpcapi as conductor_rpcapi
from tests.functional.api.conftest import make_instance


@pytest.fixture
def casts(monkeypatch):
    sent = []
    monkeypatch.setattr(conductor_rpcapi.ComputeTaskAPI, 'drain_host',
                        lambda self, context, drain_uuid: sent.append(drain_uuid))
    return sent


def _drain(admin, **asked):
    return admin.post('/os-host-drains', {'host_drain': dict({'host': 'host1'}, **asked)})


def test_drain_disables_the_host_and_queues_each_server_with_its_move(admin, compute_host,
                                                                        casts):
    running = make_instance(vm_state='active')
    stopped = make_instance(vm_state='stopped', power_state=4)
    resp = _drain(admin, max_outbound_per_host=3)
    assert resp.status_int == 202
    drain = resp.json['host_drain']
    assert (drain['host'], drain['mode'], drain['status']) == ('host1', 'live', 'running')
    assert (drain['max_outbound_per_host'], drain['max_parallel']) == (3, 5)
    moves = {s['server_id']: (s['status'], s['move']) for s in drain['servers']}
    assert moves == {running['uuid']: ('queued', 'live'), stopped['uuid']: ('queued', 'cold')}
    assert casts == [drain['id']]
    [service] = admin.get('/os-services?host=host1').json['services']
    assert service['status'] == 'disabled' and drain['id'] in service['disabled_reason']


def test_servers_no_move_starts_from_are_skipped_with_the_reason(admin, compute_host, casts):
    busy = make_instance(task_state='rebooting')
    paused = make_instance(vm_state='paused')
    drain = _drain(admin, mode='cold').json['host_drain']
    statuses = {s['server_id']: (s['status'], s['message']) for s in drain['servers']}
    assert statuses[paused['uuid']] == (
        'skipped', 'A cold drain moves no server in vm_state paused.')
    assert statuses[busy['uuid']] == ('queued', None)


def test_a_host_being_drained_cannot_be_drained_again(admin, compute_host, casts):
    first = _drain(admin).json['host_drain']
    resp = _drain(admin)
    assert resp.status_int == 409
    assert first['id'] in resp.json['conflictingRequest']['message']
    assert casts == [first['id']]


def test_draining_an_unknown_host_is_not_found_and_records_nothing(admin, compute_host, casts):
    resp = _drain(admin, host='nowhere')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'Compute host nowhere could not be found.'
    assert admin.get('/os-host-drains').json['host_drains'] == [] and casts == []


@pytest.mark.parametrize('body', [
    {'host_drain': {}},
    {'host_drain': {'host': 'host1', 'mode': 'warp'}},
    {'host_drain': {'host': 'host1', 'max_outbound_per_host': 0}},
    {'host_drain': {'host': 'host1', 'max_parallel': '5'}},
    {'host_drain': {'host': 'host1', 'surprise': True}},
    {'host': 'host1'},
])
def test_malformed_requests_are_refused_and_change_nothing(admin, compute_host, casts, body):
    resp = admin.post('/os-host-drains', body)
    assert resp.status_int == 400 and 'badRequest' in resp.json
    assert admin.get('/os-host-drains').json['host_drains'] == []
    [service] = admin.get('/os-services?host=host1').json['services']
    assert service['status'] == 'enabled'


def test_drains_are_for_administrators_only(api, compute_host, casts):
    assert api.post('/os-host-drains', {'host_drain': {'host': 'host1'}}).status_int == 403
    assert api.get('/os-host-drains').status_int == 403


def test_listing_shows_newest_first_and_filters_by_host(admin, compute_host, casts):
    drain = _drain(admin).json['host_drain']
    listed = admin.get('/os-host-drains').json['host_drains']
    assert [d['id'] for d in listed] == [drain['id']] and 'servers' not in listed[0]
    assert admin.get('/os-host-drains?host=other').json['host_drains'] == []
    assert admin.get(f"/os-host-drains/{drain['id']}").json['host_drain']['id'] == drain['id']
    assert admin.get('/os-host-drains/no-such-drain').status_int == 404
