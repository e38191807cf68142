"""Remote consoles: the 2.6 resource, the legacy actions, os-console-auth-tokens."""

import time
import urllib.parse
from unittest import mock

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from novalite.db import console_auth_tokens
from tests.functional.api.conftest import make_instance

NOVNC = {'remote_console': {'protocol': 'vnc', 'type': 'novnc'}}
SERIAL = {'remote_console': {'protocol': 'serial', 'type': 'serial'}}


@pytest.fixture
def endpoint():
    with mock.patch.object(compute_rpcapi.ComputeAPI, 'get_console_endpoint',
                           return_value={'host': '192.0.2.10', 'port': 5901}) as call:
        yield call


def _token(url):
    query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    if 'path' in query:
        query = urllib.parse.parse_qs(query['path'][0].lstrip('?'))
    return query['token'][0]


def test_novnc_console_url_carries_a_token_for_the_guests_vnc_port(api, admin, db, endpoint):
    server = make_instance()
    resp = api.at('2.6').post(f"/servers/{server['uuid']}/remote-consoles", NOVNC)
    assert resp.status_int == 200
    console = resp.json['remote_console']
    assert (console['protocol'], console['type']) == ('vnc', 'novnc')
    assert console['url'].startswith('http://127.0.0.1:6080/vnc_lite.html?path=%3Ftoken%3D')
    shown = admin.at('2.31').get(f"/os-console-auth-tokens/{_token(console['url'])}")
    assert shown.json['console'] == {'instance_uuid': server['uuid'], 'host': '192.0.2.10',
                                     'port': 5901, 'internal_access_path': None}


def test_serial_console_needs_serial_consoles_enabled(api, db, conf, endpoint):
    server = make_instance()
    resp = api.at('2.6').post(f"/servers/{server['uuid']}/remote-consoles", SERIAL)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Unavailable console type serial.'
    conf.set_override('enabled', True, group='serial_console')
    resp = api.at('2.6').post(f"/servers/{server['uuid']}/remote-consoles", SERIAL)
    assert resp.json['remote_console']['url'].startswith('ws://127.0.0.1:6083/?token=')


def test_an_unserved_protocol_is_unavailable(api, db, endpoint):
    server = make_instance()
    body = {'remote_console': {'protocol': 'spice', 'type': 'spice-html5'}}
    resp = api.at('2.6').post(f"/servers/{server['uuid']}/remote-consoles", body)
    assert resp.status_int == 400
    assert not endpoint.called


def test_remote_consoles_do_not_exist_before_2_6(api, db, endpoint):
    server = make_instance()
    assert api.at('2.5').post(f"/servers/{server['uuid']}/remote-consoles",
                              NOVNC).status_int == 404


def test_a_building_server_has_no_console_yet(api, db, endpoint):
    server = make_instance(vm_state='building', host=None)
    resp = api.at('2.6').post(f"/servers/{server['uuid']}/remote-consoles", NOVNC)
    assert resp.status_int == 409


def test_legacy_vnc_action_answers_a_console_up_to_2_5(api, db, endpoint):
    server = make_instance()
    resp = api.post(f"/servers/{server['uuid']}/action", {'os-getVNCConsole': {'type': 'novnc'}})
    assert resp.status_int == 200
    assert resp.json['console']['type'] == 'novnc'
    assert 'token' in urllib.parse.unquote(resp.json['console']['url'])
    later = api.at('2.6').post(f"/servers/{server['uuid']}/action",
                               {'os-getVNCConsole': {'type': 'novnc'}})
    assert later.status_int == 404


def test_legacy_serial_action_refuses_a_bad_type(api, db, endpoint):
    server = make_instance()
    resp = api.post(f"/servers/{server['uuid']}/action",
                    {'os-getSerialConsole': {'type': 'telnet'}})
    assert resp.status_int == 400


def test_another_projects_server_has_no_console_for_you(api, db, endpoint):
    server = make_instance(project_id='other', user_id='other')
    resp = api.at('2.6').post(f"/servers/{server['uuid']}/remote-consoles", NOVNC)
    assert resp.status_int == 404


def test_console_auth_tokens_are_for_admins(api, db, endpoint):
    token = console_auth_tokens.token_create('u', 'novnc', 'h', 5900, 60)['token']
    assert api.at('2.31').get(f'/os-console-auth-tokens/{token}').status_int == 403


def test_an_expired_token_is_not_found(admin, db):
    token = console_auth_tokens.token_create('u', 'novnc', 'h', 5900, 1)['token']
    with mock.patch.object(time, 'time', return_value=time.time() + 5):
        assert admin.at('2.31').get(f'/os-console-auth-tokens/{token}').status_int == 404


def test_novnc_token_details_need_2_31(admin, db):
    token = console_auth_tokens.token_create('u', 'novnc', 'h', 5900, 60)['token']
    assert admin.at('2.30').get(f'/os-console-auth-tokens/{token}').status_int == 400


def test_deleting_a_server_drops_its_console_tokens(api, db, endpoint):
    server = make_instance(host=None, vm_state='error')
    token = console_auth_tokens.token_create(server['uuid'], 'novnc', 'h', 5900, 60)['token']
    assert api.delete(f"/servers/{server['uuid']}").status_int == 204
    with pytest.raises(Exception, match='invalid or has expired'):
        console_auth_tokens.token_validate(token)
