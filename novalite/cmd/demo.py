"""The all-in-one's ``--demo``: boot one server through the REST API and show it ACTIVE."""

import os
import time

import requests

from novalite.image import local

_HEADERS = {'X-Auth-Token': 'admin:admin', 'OpenStack-API-Version': 'compute 2.37',
            'Content-Type': 'application/json'}
_TIMEOUT = 60


def _url(port, path):
    return f'http://127.0.0.1:{port}/v2.1{path}'


def _wait_for_hypervisor(port):
    deadline = time.monotonic() + _TIMEOUT
    while time.monotonic() < deadline:
        try:
            reply = requests.get(_url(port, '/os-hypervisors'), headers=_HEADERS, timeout=10)
            if reply.ok and reply.json()['hypervisors']:
                return
        except requests.ConnectionError:
            pass  # the API server is still starting
        time.sleep(0.2)
    raise RuntimeError('no compute node registered within 60 s')


def _ensure_flavor(port):
    body = {'flavor': {'name': 'm1.tiny', 'id': '1', 'ram': 512, 'vcpus': 1, 'disk': 1}}
    reply = requests.post(_url(port, '/flavors'), json=body, headers=_HEADERS, timeout=10)
    if reply.status_code not in (200, 409):
        raise RuntimeError(f'flavor create failed: {reply.status_code} {reply.text}')


def _ensure_image():
    images = local.get_image_service()
    for image in images.list():
        if image['name'] == 'demo-image':
            return image['id']
    path = images.images_path + '.upload'
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.truncate(1024 * 1024)
    try:
        return images.create('demo-image', path, disk_format='raw')['id']
    finally:
        os.unlink(path)


def _boot_and_wait(port, image_id):
    body = {'server': {'name': 'demo', 'imageRef': image_id, 'flavorRef': '1',
                       'networks': 'none'}}
    reply = requests.post(_url(port, '/servers'), json=body, headers=_HEADERS, timeout=10)
    reply.raise_for_status()
    server_id = reply.json()['server']['id']
    deadline = time.monotonic() + _TIMEOUT
    while time.monotonic() < deadline:
        server = requests.get(_url(port, f'/servers/{server_id}'), headers=_HEADERS,
                              timeout=10).json()['server']
        if server['status'] in ('ACTIVE', 'ERROR'):
            return server
        time.sleep(0.2)
    raise RuntimeError(f'server {server_id} still building after 60 s')


def run(port, launcher):
    """Boot the demo server; returns the process exit code."""
    try:
        _wait_for_hypervisor(port)
        _ensure_flavor(port)
        server = _boot_and_wait(port, _ensure_image())
    finally:
        launcher.stop()
    print(f"server {server['name']} {server['id']} {server['status']} "
          f"on host {server.get('OS-EXT-SRV-ATTR:host')}")
    if server['status'] != 'ACTIVE':
        print(f"fault: {server.get('fault', {}).get('message')}")
        return 1
    return 0
