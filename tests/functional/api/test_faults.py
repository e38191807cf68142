"""Fault bodies, request ids, authentication and routing errors."""

from unittest import mock

from novalite.api import flavors
from tests.functional.wsgi_client import Client


def test_every_response_carries_both_request_id_headers(api):
    resp = api.get('/flavors')
    assert resp.headers['x-openstack-request-id'].startswith('req-')
    assert resp.headers['x-compute-request-id'] == resp.headers['x-openstack-request-id']


def test_unknown_path_is_item_not_found(api):
    resp = api.get('/no-such-collection')
    assert resp.status_int == 404
    assert resp.json == {'itemNotFound': {'code': 404,
                                          'message': 'The resource could not be found.'}}


def test_wrong_method_is_bad_method_with_allow_header(api):
    resp = api.put('/flavors/detail', {})
    assert resp.status_int == 405
    assert resp.json['badMethod']['code'] == 405
    assert resp.headers['Allow'] == 'GET'


def test_unexpected_error_hides_internals(api):
    with mock.patch.object(flavors.db_flavors, 'flavor_get_all',
                           side_effect=KeyError('secret-column')):
        resp = api.get('/flavors')
    assert resp.status_int == 500
    message = resp.json['computeFault']['message']
    assert 'secret-column' not in message
    assert 'KeyError' in message


def test_malformed_json_body_is_a_bad_request(admin):
    resp = admin.post('/flavors', b'{not json')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Malformed request body'


def test_project_id_in_url_must_be_the_callers(api):
    assert api.get('/demo/flavors').status_int == 200
    resp = api.get('/other/flavors')
    assert resp.status_int == 400
    assert "doesn't match" in resp.json['badRequest']['message']


def test_links_carry_the_project_id_only_when_the_url_did(admin, flavor):
    with_project = admin.get('/admin/flavors').json['flavors'][0]['links'][0]['href']
    without = admin.get('/flavors').json['flavors'][0]['links'][0]['href']
    assert with_project == 'http://localhost/v2.1/admin/flavors/1'
    assert without == 'http://localhost/v2.1/flavors/1'


def test_noauth2_without_token_hands_out_one(wsgi_app):
    resp = Client(wsgi_app, token=None).get('/flavors', headers={'X-Auth-User': 'bob',
                                                                 'X-Auth-Project-Id': 'p1'})
    assert resp.status_int == 204
    assert resp.headers['X-Auth-Token'] == 'bob:p1'


def test_token_without_project_uses_the_user_as_project(wsgi_app):
    resp = Client(wsgi_app, token='carol').get('/carol/flavors')
    assert resp.status_int == 200
