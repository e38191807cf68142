"""The eventlet WSGI server and locating the paste file."""

import eventlet
import pytest
import webob
from eventlet.green.http import client as http_client

from novalite import exception
from novalite.api import app as api_app
from novalite.api import wsgi_server


def _slow_app(environ, start_response):
    eventlet.sleep(float(environ.get('QUERY_STRING') or 0))
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'done']


def _get(port, query=''):
    conn = http_client.HTTPConnection('127.0.0.1', port, timeout=5)
    conn.request('GET', f'/?{query}')
    resp = conn.getresponse()
    return resp.status, resp.read()


def test_port_zero_binds_a_free_port_and_serves():
    server = wsgi_server.WSGIServer(_slow_app, '127.0.0.1', 0, 10)
    server.start()
    try:
        assert server.port != 0
        assert _get(server.port) == (200, b'done')
    finally:
        server.stop()
        server.wait()


def test_stop_lets_requests_in_flight_finish_and_refuses_new_ones():
    server = wsgi_server.WSGIServer(_slow_app, '127.0.0.1', 0, 10)
    server.start()
    in_flight = eventlet.spawn(_get, server.port, '0.3')
    eventlet.sleep(0.1)
    server.stop()
    assert in_flight.wait() == (200, b'done')
    server.wait()
    with pytest.raises(OSError):
        _get(server.port)


def test_paste_file_is_found_in_the_source_tree_by_default(conf):
    assert api_app.find_paste_config(conf).endswith('etc/novalite/api-paste.ini')


def test_paste_file_next_to_the_config_file_wins(conf, tmp_path):
    (tmp_path / 'api-paste.ini').write_text('[composite:osapi_compute]\n')
    (tmp_path / 'novalite.conf').write_text('')
    conf([f'--config-file={tmp_path}/novalite.conf'], project='novalite')
    assert api_app.find_paste_config(conf) == str(tmp_path / 'api-paste.ini')


def test_missing_paste_file_is_an_error(conf):
    conf.set_override('api_paste_config', 'nope.ini', group='api')
    with pytest.raises(exception.NovaliteException):
        api_app.find_paste_config(conf)


def _servers_without_a_token(conf):
    return webob.Request.blank('/v2.1/servers').get_response(api_app.load_app(conf))


def test_keystone_strategy_puts_authtoken_in_front_of_the_api(conf):
    from keystonemiddleware import auth_token  # noqa: F401 - registers its options
    conf.set_override('auth_strategy', 'keystone', group='api')
    conf.set_override('www_authenticate_uri', 'http://127.0.0.1:5000/v3',
                      group='keystone_authtoken')
    resp = _servers_without_a_token(conf)
    assert resp.status_int == 401
    assert 'WWW-Authenticate' in resp.headers


def test_noauth2_strategy_answers_with_its_token_handshake_instead(conf):
    resp = _servers_without_a_token(conf)
    assert resp.status_int == 204
    assert resp.headers['X-Auth-Token'] == 'admin:admin'
