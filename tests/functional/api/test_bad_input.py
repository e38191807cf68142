"""Bad input of every kind answers 4xx with Nova's fault body and creates nothing.

Each case is one that once answered 500 (issue 14): undecodable paths and
queries, deep JSON, empty integers, out-of-range dates, lone surrogates,
strings longer than their column, members missing from list items.
"""

import pytest

from novalite.db import instances as db_instances
from novalite.db import keypairs as db_keypairs
from tests.functional.api.conftest import boot_body
from tests.functional.api.test_other_resources import PUBLIC_KEY as _KEY
from tests.functional.wsgi_client import Client


def _bad_request(resp):
    assert resp.status_int == 400, resp.body
    return resp.json['badRequest']['message']


def _servers():
    return db_instances.instance_get_all({'deleted': None})


def test_undecodable_path_is_a_bad_request(api):
    assert 'UTF-8' in _bad_request(api.get('/servers/%ff'))


def test_undecodable_query_is_a_bad_request(api):
    assert 'UTF-8' in _bad_request(api.get('/servers?name=%ff'))


def test_encoded_lone_surrogate_in_query_is_a_bad_request(api):
    _bad_request(api.get('/servers?name=%ed%a0%80'))


def test_nul_in_path_is_a_bad_request(api):
    _bad_request(api.get('/servers/a%00b'))


def test_deeply_nested_json_is_a_bad_request(admin):
    assert 'nest' in _bad_request(admin.post('/flavors', b'[' * 5000))


def test_json_nested_past_the_limit_is_a_bad_request_before_validation(admin, flavor, image):
    hints = {'query': 'x'}
    for _ in range(40):
        hints = {'query': hints}
    resp = admin.post('/servers', dict(boot_body(image), **{'os:scheduler_hints': hints}))
    assert 'nest' in _bad_request(resp)
    assert _servers() == []


def test_empty_limit_is_a_bad_request(api):
    _bad_request(api.get('/servers?limit='))


def test_empty_limit_on_flavors_is_a_bad_request(api):
    _bad_request(api.get('/flavors?limit='))


def test_flavor_with_empty_ram_is_a_bad_request(admin):
    body = {'flavor': {'name': 'f', 'ram': '', 'vcpus': 1, 'disk': 1}}
    assert 'ram' in _bad_request(admin.post('/flavors', body))


def test_changes_since_beyond_year_9999_in_utc_is_a_bad_request(api):
    assert 'changes-since' in _bad_request(
        api.get('/servers?changes-since=9999-12-31T23:59:59-01:00'))


@pytest.mark.parametrize('field', ['flavorRef', 'name', 'adminPass', 'imageRef'])
def test_lone_surrogate_in_a_server_string_creates_nothing(api, flavor, image, field):
    body = boot_body(image)
    body['server'][field] = 'x'
    raw = bytes(__import__('json').dumps(body), 'ascii').replace(b'"x"', b'"\\ud800"')
    _bad_request(api.post('/servers', raw))
    assert _servers() == []


def test_lone_surrogate_in_metadata_creates_nothing(api, flavor, image):
    body = __import__('json').dumps(boot_body(image, metadata={'k': 'x'})).encode()
    _bad_request(api.post('/servers', body.replace(b'"x"', b'"\\udfff"')))
    assert _servers() == []


def test_nul_in_a_string_field_is_a_bad_request(api, flavor, image):
    resp = api.post('/servers', boot_body(image, adminPass='a\x00b'))
    assert 'adminPass' in _bad_request(resp)
    assert _servers() == []


def test_lone_surrogate_in_keypair_user_id_is_a_bad_request(admin):
    raw = (b'{"keypair": {"name": "k", "public_key": "%s", "user_id": "\\ud800"}}'
           % _KEY.encode())
    _bad_request(admin.post('/os-keypairs', raw, version='2.10'))


def test_lone_surrogate_in_service_binary_is_a_bad_request(admin):
    raw = b'{"host": "h", "binary": "\\ud800"}'
    _bad_request(admin.put('/os-services/enable', raw))


def test_security_group_without_a_name_is_a_bad_request(api, flavor, image):
    resp = api.post('/servers', boot_body(image, security_groups=[{}]))
    assert 'name' in _bad_request(resp)
    assert _servers() == []


def test_keypair_user_id_longer_than_255_is_a_bad_request(admin):
    body = {'keypair': {'name': 'k', 'public_key': _KEY, 'user_id': 'u' * 256}}
    assert 'user_id' in _bad_request(admin.post('/os-keypairs', body, version='2.10'))
    assert db_keypairs.keypair_get_all('u' * 256) == []


def test_noauth2_user_longer_than_255_is_a_bad_request(wsgi_app):
    resp = Client(wsgi_app, token='u' * 256 + ':demo').get('/flavors')
    assert '255' in _bad_request(resp)


def test_noauth2_project_longer_than_255_is_a_bad_request(wsgi_app):
    resp = Client(wsgi_app, token='demo:' + 'p' * 256).get('/flavors')
    assert '255' in _bad_request(resp)
