"""novalite-metadata as a real process (two workers), asked over HTTP as Neutron's
metadata proxy asks it, on SQLite, MariaDB and PostgreSQL.

The daemon is started by the function ``pyproject.toml`` names for the
``novalite-metadata`` console script, so the test needs no reinstall.
"""

import os
import signal
import subprocess
import sys

import pytest
import requests
import tomllib

from novalite.db import engine, migration
from novalite.metadata import requester
from novalite.network import api as network_api
from novalite.network import model as network_model
from tests.functional.api.conftest import make_instance
from tests.integration.cloud import Cloud, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = 'proxy-s3cret'
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x'


def _console_script(name):
    with open(os.path.join(ROOT, 'pyproject.toml'), 'rb') as f:
        module, function = tomllib.load(f)['project']['scripts'][name].split(':')
    return [sys.executable, '-c',
            f'import sys; from {module} import {function}; sys.exit({function}())']


@pytest.fixture
def served(database_url, conf, tmp_path):
    """A server with key, user data and a fixed IP, and the daemon's URL."""
    engine.configure(database_url)
    migration.db_sync()
    server = make_instance(key_name='desk', key_data=KEY, user_data='I2Nsb3VkLWNvbmZpZwo=',
                           metadata={'role': 'db'}, availability_zone='nova')
    network_info = network_api.allocate_for_instance(None, server['uuid'], 'host1', conf)
    port = free_port()
    conf_file = tmp_path / 'metadata.conf'
    conf_file.write_text(
        f'[DEFAULT]\nstate_path = {tmp_path}\n[database]\nconnection = {database_url}\n'
        f'[api]\nmetadata_listen = 127.0.0.1\nmetadata_listen_port = {port}\n'
        f'metadata_workers = 2\nmetadata_by_remote_address = true\n'
        f'[neutron]\nmetadata_proxy_shared_secret = {SECRET}\n')
    proc = subprocess.Popen([*_console_script('novalite-metadata'), '--config-file',
                             str(conf_file), '--log-file', str(tmp_path / 'metadata.log')],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f'http://127.0.0.1:{port}'
    try:
        Cloud.wait_for(lambda: requests.get(url + '/', timeout=5).ok, 'novalite-metadata',
                       timeout=60)
        [address] = network_model.fixed_addresses(network_info)
        yield {'url': url, 'server': server, 'address': address}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        engine.configure('sqlite://')


def _get(served, path, **headers):
    return requests.get(served['url'] + path, headers=headers, timeout=10)


def _signed(server, secret=SECRET):
    return {'X-Instance-ID': server['uuid'], 'X-Tenant-ID': server['project_id'],
            'X-Instance-ID-Signature': requester.signature(server['uuid'], secret)}


def test_the_daemon_serves_an_instance_its_metadata_over_http(served):
    server, signed = served['server'], _signed(served['server'])
    meta = _get(served, '/openstack/latest/meta_data.json', **signed)
    assert meta.headers['Content-Type'] == 'application/json'
    assert (meta.json()['uuid'], meta.json()['public_keys'], meta.json()['meta']) == (
        server['uuid'], {'desk': KEY}, {'role': 'db'})
    assert _get(served, '/openstack/latest/user_data', **signed).content == b'#cloud-config\n'
    networks = _get(served, '/openstack/latest/network_data.json', **signed).json()['networks']
    assert [n['ip_address'] for n in networks] == [served['address']]
    assert _get(served, '/latest/meta-data/local-ipv4', **signed).text == served['address']
    assert _get(served, '/latest/meta-data/public-keys/0/openssh-key', **signed).text == KEY


def test_the_daemon_refuses_bad_signatures_and_unknown_instances(served):
    server = served['server']
    forged = _get(served, '/openstack/latest/user_data', **_signed(server, 'guessed'))
    assert forged.status_code == 403 and b'cloud-config' not in forged.content
    unknown = dict(_signed(server), **{'X-Instance-ID': 'f' * 32})
    unknown['X-Instance-ID-Signature'] = requester.signature('f' * 32, SECRET)
    assert _get(served, '/openstack/latest/meta_data.json', **unknown).status_code == 404


def test_the_daemon_finds_an_instance_by_its_forwarded_fixed_ip(served):
    found = _get(served, '/latest/meta-data/instance-id',
                 **{'X-Forwarded-For': served['address']})
    assert found.status_code == 200 and found.text.startswith('i-')
    assert _get(served, '/latest/meta-data/instance-id',
                **{'X-Forwarded-For': '10.250.0.250'}).status_code == 404
