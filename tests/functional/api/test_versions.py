"""Version documents and microversion negotiation."""

import pytest

from novalite.api import microversion


def test_root_lists_v2_and_v21_with_the_microversion_range(api):
    resp = api.get('/')
    assert resp.status_int == 200
    versions = {v['id']: v for v in resp.json['versions']}
    assert versions['v2.1']['version'] == str(microversion.MAX_VERSION)
    assert versions['v2.1']['min_version'] == '2.1'
    assert versions['v2.1']['status'] == 'CURRENT'
    assert versions['v2.1']['links'] == [{'rel': 'self', 'href': 'http://localhost/v2.1/'}]
    assert versions['v2.0']['status'] == 'SUPPORTED'


def test_root_is_served_without_a_token(wsgi_app):
    from tests.functional.wsgi_client import Client
    assert Client(wsgi_app, token=None).get('/').status_int == 200


def test_unknown_root_path_answers_multiple_choices(api):
    resp = api.get('/v3/servers')
    assert resp.status_int == 300
    assert 'choices' in resp.json


@pytest.mark.parametrize('path', ['/v2.1', '/v2.1/'])
def test_v21_document_describes_the_endpoint(api, path):
    resp = api.get(path)
    assert resp.status_int == 200
    version = resp.json['version']
    assert version['id'] == 'v2.1'
    assert (version['min_version'], version['version']) == ('2.1', str(microversion.MAX_VERSION))
    assert version['media-types'][0]['base'] == 'application/json'


def test_no_header_means_the_minimum_version(api):
    resp = api.get('/flavors')
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.1'
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.1'
    assert 'OpenStack-API-Version' in resp.headers['Vary']
    assert 'X-OpenStack-Nova-API-Version' in resp.headers['Vary']


def test_latest_means_the_maximum_version(api):
    resp = api.get('/flavors', version='latest')
    assert resp.headers['OpenStack-API-Version'] == f'compute {microversion.MAX_VERSION}'


def test_legacy_header_is_honoured(api):
    resp = api.get('/flavors', headers={'X-OpenStack-Nova-API-Version': '2.19'})
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.19'


def test_new_header_wins_over_legacy_header(api):
    resp = api.get('/flavors', headers={'OpenStack-API-Version': 'compute 2.25',
                                        'X-OpenStack-Nova-API-Version': '2.19'})
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.25'


def test_header_for_another_service_is_ignored(api):
    resp = api.get('/flavors', headers={'OpenStack-API-Version': 'identity 3.9'})
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.1'


_ABOVE = f'2.{microversion.MAX_VERSION.minor + 1}'


@pytest.mark.parametrize('version', [_ABOVE, '3.0', '2.0'])
def test_version_out_of_range_is_not_acceptable(api, version):
    resp = api.get('/flavors', version=version)
    assert resp.status_int == 406
    assert resp.json['computeFault']['code'] == 406
    assert str(microversion.MAX_VERSION) in resp.json['computeFault']['message']


@pytest.mark.parametrize('version', ['2', 'two.one', '2.01', '2.1.1'])
def test_malformed_version_is_a_bad_request(api, version):
    resp = api.get('/flavors', version=version)
    assert resp.status_int == 400
    assert 'invalid format' in resp.json['badRequest']['message']


def test_legacy_v2_endpoint_speaks_without_version_headers(api):
    resp = api.get('/v2/flavors', version='2.25')
    assert resp.status_int == 200
    assert 'OpenStack-API-Version' not in resp.headers


def test_endpoint_with_the_callers_project_id_serves_the_version_document(api):
    resp = api.get('/v2.1/demo')
    assert resp.status_int == 200
    assert resp.json['version']['id'] == 'v2.1'


@pytest.mark.parametrize('path', ['/v2.1', '/v2.1/', '/v2', '/v2/'])
def test_endpoint_version_document_is_served_without_a_token(wsgi_app, path):
    from tests.functional.wsgi_client import Client
    resp = Client(wsgi_app, token=None).get(path)
    assert resp.status_int == 200
    assert resp.json['version']['id'] == ('v2.1' if path.startswith('/v2.1') else 'v2.0')


def test_resources_below_the_endpoint_still_need_a_token(wsgi_app):
    from tests.functional.wsgi_client import Client
    resp = Client(wsgi_app, token=None).get('/v2.1/servers')
    assert resp.status_int == 204  # noauth2's token handshake, not the servers
    assert 'servers' not in resp.text
