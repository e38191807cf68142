"""Growing an attached volume (3.42): in-use stays in-use and its servers are told;
and a volume a crash left ``creating`` is made again when the service restarts.

The volume service tells the Compute API with a ``volume-extended`` event
per attached server (``novalite.volume.nova``); here that call is recorded.
"""

import pytest

from novalite import context
from novalite.volume import nova

SERVER = '0b7c5f0e-3f7e-4a53-9f55-2c2b0f6d7a11'


@pytest.fixture
def told(monkeypatch):
    calls = []
    monkeypatch.setattr(nova, 'extend_volume',
                        lambda ctx, servers, volume_id: calls.append((servers, volume_id)))
    return calls


@pytest.fixture
def in_use(vapi, available):
    volume_id = available()
    attachment = vapi.post('/attachments', {'attachment': {
        'volume_uuid': volume_id, 'instance_uuid': SERVER,
        'connector': {'host': 'h1', 'initiator': 'iqn.h1'}}}).json_body_or_none['attachment']
    assert vapi.post(f"/attachments/{attachment['id']}/action",
                     {'os-complete': None}).status_int == 204
    return volume_id


def _volume(vapi, volume_id):
    return vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']


def test_an_in_use_volume_grows_at_3_42_and_its_server_is_told(vapi, in_use, manager, told):
    resp = vapi.post(f'/volumes/{in_use}/action', {'os-extend': {'new_size': 2}})
    assert resp.status_int == 202
    assert _volume(vapi, in_use)['status'] == 'extending'
    manager.extend_volume(context.get_admin_context(), in_use, 2)
    volume = _volume(vapi, in_use)
    assert (volume['status'], volume['size']) == ('in-use', 2)
    assert told == [([SERVER], in_use)]


def test_an_in_use_volume_cannot_grow_below_3_42(vapi, in_use, told):
    resp = vapi.at('3.41').post(f'/volumes/{in_use}/action', {'os-extend': {'new_size': 2}})
    assert resp.status_int == 400
    assert "must be 'available'" in resp.json_body_or_none['badRequest']['message']
    assert _volume(vapi, in_use)['status'] == 'in-use'


def test_an_available_volume_that_grows_tells_nobody(vapi, available, manager, told):
    volume_id = available()
    vapi.post(f'/volumes/{volume_id}/action', {'os-extend': {'new_size': 2}})
    manager.extend_volume(context.get_admin_context(), volume_id, 2)
    assert _volume(vapi, volume_id)['status'] == 'available'
    assert told == [([], volume_id)]


def test_the_event_goes_to_the_compute_api_as_cinder_sends_it(conf):
    class Session:
        def post(self, url, json, headers, timeout):
            self.sent = (url, json, headers)
            return type('Resp', (), {'status_code': 200, 'text': ''})()
    conf.set_override('endpoint', 'http://compute:8774/v2.1', group='nova')
    session = Session()
    nova.extend_volume(context.get_admin_context(), ['s1'], 'v1', session=session)
    url, body, headers = session.sent
    assert url == 'http://compute:8774/v2.1/os-server-external-events'
    assert body == {'events': [{'name': 'volume-extended', 'server_uuid': 's1',
                                'tag': 'v1'}]}
    assert headers['OpenStack-API-Version'] == 'compute 2.51'
    assert headers['X-Auth-Token'] == 'admin:admin'


def test_a_volume_left_creating_by_a_crash_is_made_again_at_restart(vapi, manager):
    volume_id = vapi.post('/volumes', {'volume': {'size': 1}}).json_body_or_none['volume']['id']
    assert _volume(vapi, volume_id)['status'] == 'creating'
    manager.init_host(context.get_admin_context())
    assert _volume(vapi, volume_id)['status'] == 'available'
    # The create cast read after the restart finds it made and leaves it be.
    manager.create_volume(context.get_admin_context(), volume_id)
    assert _volume(vapi, volume_id)['status'] == 'available'
