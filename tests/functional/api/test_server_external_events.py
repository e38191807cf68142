"""``POST /os-server-external-events``: Nova's per-event codes, 200/207/404, routing by host.

The cast to the hosts is recorded in place of the wire, so each test sees
which host was told what.
"""

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from novalite.db import actions as db_actions
from tests.functional.api.conftest import make_instance

MISSING = '3c0e5c9a-1111-4111-8111-111111111111'


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'external_instance_event',
                        lambda self, ctx, host, instances, events:
                        calls.append((host, [i['uuid'] for i in instances], events)))
    return calls


def _post(client, events, version='2.51'):
    return client.post('/os-server-external-events', {'events': events}, version=version)


def _extended(server_id, tag='vol-1'):
    return {'name': 'volume-extended', 'server_uuid': server_id, 'tag': tag}


def test_volume_extended_goes_to_the_server_s_host_with_an_extend_volume_action(
        admin, sent, beyond_max):
    server = make_instance()
    resp = _post(admin, [_extended(server['uuid'])])
    assert resp.status_int == 200
    assert resp.json['events'] == [dict(_extended(server['uuid']), code=200)]
    assert sent == [('host1', [server['uuid']], [
        {'name': 'volume-extended', 'tag': 'vol-1', 'status': 'completed',
         'instance_uuid': server['uuid']}])]
    assert [a['action'] for a in db_actions.actions_get(server['uuid'])] == \
        ['extend_volume']


def test_events_of_servers_on_two_hosts_go_in_one_message_per_host(admin, sent, beyond_max):
    one, two = make_instance(host='host1'), make_instance(host='host2')
    resp = _post(admin, [_extended(one['uuid']), _extended(two['uuid'], 'vol-2'),
                         _extended(one['uuid'], 'vol-3')])
    assert resp.status_int == 200
    assert sorted((host, len(events)) for host, _, events in sent) == [('host1', 2),
                                                                      ('host2', 1)]


def test_an_unknown_server_s_event_fails_with_404_and_the_others_answer_207(admin, sent,
                                                                           beyond_max):
    server = make_instance()
    resp = _post(admin, [_extended(server['uuid']), _extended(MISSING)])
    assert resp.status_int == 207
    assert [(e['code'], e.get('status')) for e in resp.json['events']] == [
        (200, None), (404, 'failed')]
    assert len(sent) == 1


def test_a_server_without_a_host_answers_422_and_volume_extended_without_tag_400(
        admin, sent, beyond_max):
    hostless, server = make_instance(host=None), make_instance()
    untagged = {'name': 'volume-extended', 'server_uuid': server['uuid']}
    resp = _post(admin, [_extended(hostless['uuid']), untagged,
                         {'name': 'network-changed', 'server_uuid': server['uuid']}])
    assert resp.status_int == 207
    assert [e['code'] for e in resp.json['events']] == [422, 400, 200]


def test_no_event_accepted_is_404_and_nothing_is_sent(admin, sent, beyond_max):
    resp = _post(admin, [_extended(MISSING)])
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'No instances found for any event'
    assert sent == []


def test_volume_extended_is_an_unknown_event_before_2_51(admin, sent, beyond_max):
    server = make_instance()
    assert _post(admin, [_extended(server['uuid'])], version='2.50').status_int == 400
    assert _post(admin, [{'name': 'power-update', 'server_uuid': server['uuid'],
                          'tag': 'POWER_OFF'}]).status_int == 400
    assert sent == []


def test_a_project_member_may_not_send_events(api, sent, beyond_max):
    server = make_instance()
    assert _post(api, [_extended(server['uuid'])]).status_int == 403
    assert sent == []


@pytest.mark.parametrize('body', [
    {'events': []},
    {'events': [{'name': 'volume-extended'}]},
    {'events': [{'name': 'bogus', 'server_uuid': MISSING}]},
    {'events': [{'name': 'network-changed', 'server_uuid': MISSING, 'status': 'done'}]},
    {'events': [{'name': 'network-changed', 'server_uuid': MISSING, 'extra': 1}]},
])
def test_malformed_events_are_400(admin, sent, beyond_max, body):
    resp = admin.post('/os-server-external-events', body, version='2.51')
    assert resp.status_int == 400
    assert sent == []
