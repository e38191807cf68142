"""The edge of the pipeline: media types, body sizes and the access log."""

import io
import logging

import webob

from novalite.conf import CONF

_FLAVOR = b'{"flavor": {"name": "f", "ram": 1, "vcpus": 1, "disk": 1}}'


def _post(app, body, content_type, token='admin:admin', **environ):
    req = webob.Request.blank('/v2.1/flavors', method='POST', body=body,
                              headers={'X-Auth-Token': token}, **environ)
    if content_type is not None:
        req.environ['CONTENT_TYPE'] = content_type
    return req.get_response(app)


def test_xml_body_is_unsupported_media_type(wsgi_app):
    resp = _post(wsgi_app, b'<flavor name="f"/>', 'application/xml')
    assert resp.status_int == 415
    assert resp.json == {'badMediaType': {'code': 415, 'message': 'Unsupported Content-Type'}}


def test_form_encoded_body_is_unsupported_media_type(wsgi_app):
    assert _post(wsgi_app, b'a=b', 'application/x-www-form-urlencoded').status_int == 415


def test_json_with_a_charset_is_accepted(wsgi_app):
    assert _post(wsgi_app, _FLAVOR, 'application/json; charset=UTF-8').status_int == 200


def test_text_plain_is_read_as_json_as_nova_does(wsgi_app):
    assert _post(wsgi_app, _FLAVOR, 'text/plain').status_int == 200


def test_nova_vendor_media_type_is_accepted(wsgi_app):
    assert _post(wsgi_app, _FLAVOR, 'application/vnd.openstack.compute+json').status_int == 200


def test_body_announced_larger_than_the_limit_is_too_large(wsgi_app):
    body = b'{"flavor": "' + b'x' * CONF.api.max_request_body_size + b'"}'
    resp = _post(wsgi_app, body, 'application/json')
    assert resp.status_int == 413
    assert resp.json['overLimit']['code'] == 413


def test_chunked_body_growing_past_the_limit_is_too_large(wsgi_app, conf):
    conf.set_override('max_request_body_size', 64, group='api')
    req = webob.Request.blank('/v2.1/flavors', method='POST',
                              headers={'X-Auth-Token': 'admin:admin',
                                       'Content-Type': 'application/json'})
    req.environ['wsgi.input'] = io.BytesIO(_FLAVOR * 3)
    req.environ.pop('CONTENT_LENGTH', None)
    req.environ['wsgi.input_terminated'] = True
    assert req.get_response(wsgi_app).status_int == 413


def test_body_limit_is_configurable(wsgi_app, conf):
    conf.set_override('max_request_body_size', 16, group='api')
    assert _post(wsgi_app, _FLAVOR, 'application/json').status_int == 413


def test_access_log_has_a_line_for_a_client_error(api, caplog):
    with caplog.at_level(logging.INFO, logger='novalite.api.request_log'):
        api.get('/servers/no-such-server')
    [line] = [r.getMessage() for r in caplog.records if r.name == 'novalite.api.request_log']
    assert '"GET /v2.1/servers/no-such-server" status: 404' in line
    assert 'microversion: 2.1' in line


def test_access_log_has_a_line_for_a_refused_url(api, caplog):
    with caplog.at_level(logging.INFO, logger='novalite.api.request_log'):
        api.get('/servers/%ff')
    [line] = [r.getMessage() for r in caplog.records if r.name == 'novalite.api.request_log']
    assert '"GET /v2.1/servers/%FF" status: 400' in line


def test_access_log_has_a_line_for_a_server_error(api, caplog, monkeypatch):
    from novalite.api import flavors
    monkeypatch.setattr(flavors.db_flavors, 'flavor_get_all',
                        lambda *a, **k: (_ for _ in ()).throw(KeyError('x')))
    with caplog.at_level(logging.INFO, logger='novalite.api.request_log'):
        api.get('/flavors')
    assert any('status: 500' in r.getMessage() for r in caplog.records
               if r.name == 'novalite.api.request_log')
