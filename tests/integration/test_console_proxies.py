"""novalite-novncproxy and novalite-serialproxy as daemons, tokens in the database.

A TCP server stands in for a guest's VNC display (it greets as RFB does); the
proxies admit only valid tokens of their own console type and relay bytes.
"""

import os
import socket
import subprocess
import threading
import time
import urllib.parse
from unittest import mock

import pytest
from websockify import websocket

from novalite.db import console_auth_tokens, engine
from tests.integration.cloud import BIN, Cloud, free_port

pytestmark = pytest.mark.integration

GREETING = b'RFB 003.008\n'


def _backend():
    """A one-greeting-per-connection TCP server; returns its port."""
    server = socket.create_server(('127.0.0.1', 0))

    def serve():
        while True:
            conn, _addr = server.accept()
            conn.sendall(GREETING)
            threading.Thread(target=lambda c=conn: (c.recv(1), c.close()), daemon=True).start()
    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1]


@pytest.fixture(scope='module')
def proxies(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('consoles')
    novnc, serial = free_port(), free_port()
    (workdir / 'web').mkdir()
    (workdir / 'web' / 'vnc_lite.html').write_text('<html>noVNC</html>')
    conf = workdir / 'novalite.conf'
    conf.write_text(f'[DEFAULT]\nstate_path = {workdir}\n'
                    f'[database]\nconnection = sqlite:///{workdir}/novalite.sqlite\n'
                    f'[vnc]\nnovncproxy_host = 127.0.0.1\nnovncproxy_port = {novnc}\n'
                    f'novnc_web = {workdir}/web\n'
                    f'[serial_console]\nserialproxy_host = 127.0.0.1\n'
                    f'serialproxy_port = {serial}\n')
    subprocess.run([os.path.join(BIN, 'novalite-manage'), '--config-file', str(conf), 'db',
                    'sync'], check=True, capture_output=True)
    procs = [subprocess.Popen([os.path.join(BIN, binary), '--config-file', str(conf),
                               '--log-file', str(workdir / f'{binary}.log')],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for binary in ('novalite-novncproxy', 'novalite-serialproxy')]
    for port in (novnc, serial):
        Cloud.wait_for(lambda p=port: socket.create_connection(('127.0.0.1', p)).close()
                       or True, f'a proxy on {port}')
    yield {'novnc': novnc, 'serial': serial, 'conf': str(conf), 'workdir': workdir}
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=30)


def _token(proxies, console_type, port, ttl=60):
    """A token made by the code the API runs, in the proxies' database."""
    engine.configure(f"sqlite:///{proxies['workdir']}/novalite.sqlite")
    try:
        return console_auth_tokens.token_create('u', console_type, '127.0.0.1', port,
                                                ttl)['token']
    finally:
        engine.configure('sqlite://')


def _keeping_query(uri):
    """websockify's client sends only the URL's path: keep the token's query in it."""
    parsed = urllib.parse.urlparse(uri)
    return parsed._replace(path=f'{parsed.path}?{parsed.query}')


def _open(proxies, console_type, token):
    ws = websocket.WebSocket()
    with mock.patch.object(websocket, 'urlparse', _keeping_query):
        ws.connect(f"ws://127.0.0.1:{proxies[console_type]}/?token={token}",
                   protocols=['binary'])
    data = b''
    while len(data) < len(GREETING):
        chunk = ws.recv()
        if chunk is None:
            break
        data += chunk
    ws.close()
    return data


def test_a_valid_novnc_token_relays_the_guests_vnc_server(proxies):
    token = _token(proxies, 'novnc', _backend())
    assert _open(proxies, 'novnc', token) == GREETING


def test_a_valid_serial_token_relays_the_guests_serial_port(proxies):
    token = _token(proxies, 'serial', _backend())
    assert _open(proxies, 'serial', token) == GREETING


def test_an_unknown_token_is_refused_before_the_handshake(proxies):
    with pytest.raises(Exception):  # noqa: B017 - websockify drops the connection
        _open(proxies, 'novnc', 'not-a-token')


def test_an_expired_token_is_refused(proxies):
    token = _token(proxies, 'novnc', _backend(), ttl=1)
    time.sleep(2.1)
    with pytest.raises(Exception):  # noqa: B017
        _open(proxies, 'novnc', token)


def test_a_serial_token_does_not_open_a_vnc_console(proxies):
    token = _token(proxies, 'serial', _backend())
    with pytest.raises(Exception):  # noqa: B017
        _open(proxies, 'novnc', token)


def test_the_novnc_proxy_serves_novncs_pages(proxies):
    with socket.create_connection(('127.0.0.1', proxies['novnc'])) as sock:
        sock.sendall(b'GET /vnc_lite.html HTTP/1.0\r\n\r\n')
        reply = b''.join(iter(lambda: sock.recv(4096), b''))
    assert b' 200 OK' in reply.split(b'\r\n')[0] and b'noVNC' in reply
