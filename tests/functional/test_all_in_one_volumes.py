"""Volumes through the all-in-one (fake virt and volume drivers), over HTTP.

The compute API, the compute host and novalite-volume's Block Storage API
talk as in a real cloud: create a volume, attach it, see it in-use and on
the server, detach, and delete a server whose volume goes with it; boot
from a volume made from an image, and from an existing volume.
"""

import os
import subprocess
import sys

import pytest
import requests

from tests.integration.cloud import Cloud, free_port

BIN = os.path.dirname(sys.executable)
TOKEN = {'X-Auth-Token': 'demo:demo', 'OpenStack-API-Version': 'compute 2.37'}


@pytest.fixture(scope='module')
def aio(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('aio-volumes')
    port, volume_port = free_port(), free_port()
    conf = workdir / 'novalite.conf'
    conf.write_text(f'[DEFAULT]\nstate_path = {workdir}\nhost = aio\n'
                    f'[api]\nport = {port}\nmetadata_listen_port = {free_port()}\n'
                    f'[volume]\nport = {volume_port}\n'
                    f'[cinder]\nendpoint_template = '
                    f'http://127.0.0.1:{volume_port}/v3/%(project_id)s\n'
                    f'[compute]\nreserved_host_memory_mb = 0\n'
                    f'block_device_allocate_retries_interval = 0.2\n'
                    f'[nova]\nendpoint = http://127.0.0.1:{port}/v2.1\n')
    proc = subprocess.Popen([os.path.join(BIN, 'novalite-all-in-one'), '--config-file',
                             str(conf), '--log-file', str(workdir / 'aio.log')],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    compute = f'http://127.0.0.1:{port}/v2.1'
    volume = f'http://127.0.0.1:{volume_port}/v3/demo'
    admin = {'X-Auth-Token': 'admin:admin'}
    Cloud.wait_for(lambda: requests.get(f'{compute}/os-hypervisors', headers=admin).json()
                   ['hypervisors'], 'the all-in-one to register its node')
    subprocess.run([os.path.join(BIN, 'novalite-manage'), '--config-file', str(conf),
                    'image-create', '--name', 'tiny', '--file', str(conf), '--disk-format',
                    'raw'], check=True, capture_output=True)
    requests.post(f'{compute}/flavors', headers=admin, json={'flavor': {
        'name': 'small', 'ram': 512, 'vcpus': 1, 'disk': 1, 'id': '1'}}).raise_for_status()
    yield compute, volume
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _server(compute):
    # The images proxy is gone at 2.36: list it at 2.1.
    image = requests.get(f'{compute}/images', headers={'X-Auth-Token': 'demo:demo'}) \
        .json()['images'][0]['id']
    server = requests.post(f'{compute}/servers', headers=TOKEN, json={'server': {
        'name': 'vm', 'imageRef': image, 'flavorRef': '1', 'networks': 'none'}}).json()
    server_id = server['server']['id']
    Cloud.wait_for(lambda: requests.get(f'{compute}/servers/{server_id}', headers=TOKEN)
                   .json()['server']['status'] == 'ACTIVE', 'the server to be ACTIVE')
    return server_id


def _volume(volume):
    created = requests.post(f'{volume}/volumes', headers=TOKEN,
                            json={'volume': {'size': 1, 'name': 'data'}}).json()['volume']
    Cloud.wait_for(lambda: _status(volume, created['id']) == 'available',
                   'the volume to be available')
    return created['id']


def _status(volume, volume_id):
    found = requests.get(f'{volume}/volumes/{volume_id}', headers=TOKEN)
    return found.json()['volume']['status'] if found.status_code == 200 else found.status_code


def _attached(compute, server_id):
    return requests.get(f'{compute}/servers/{server_id}', headers=TOKEN) \
        .json()['server']['os-extended-volumes:volumes_attached']


def test_attach_makes_the_volume_in_use_and_detach_frees_it(aio):
    compute, volume = aio
    server_id, volume_id = _server(compute), _volume(volume)
    resp = requests.post(f'{compute}/servers/{server_id}/os-volume_attachments',
                         headers=TOKEN, json={'volumeAttachment': {'volumeId': volume_id}})
    assert resp.status_code == 200, resp.text
    assert resp.json()['volumeAttachment']['device'] == '/dev/vdb'
    Cloud.wait_for(lambda: _status(volume, volume_id) == 'in-use', 'the volume to be in-use')
    assert _attached(compute, server_id) == [{'id': volume_id, 'delete_on_termination': False}]

    second = _server(compute)
    refused = requests.post(f'{compute}/servers/{second}/os-volume_attachments',
                            headers=TOKEN, json={'volumeAttachment': {'volumeId': volume_id}})
    assert refused.status_code == 400

    resp = requests.delete(f'{compute}/servers/{server_id}/os-volume_attachments/{volume_id}',
                           headers=TOKEN)
    assert resp.status_code == 202
    Cloud.wait_for(lambda: _status(volume, volume_id) == 'available',
                   'the volume to be available again')
    # As in Nova, the host ends the attachment before it drops the mapping.
    Cloud.wait_for(lambda: _attached(compute, server_id) == [],
                   'the server to list no volume')


def test_server_delete_frees_its_volume(aio):
    compute, volume = aio
    server_id, volume_id = _server(compute), _volume(volume)
    requests.post(f'{compute}/servers/{server_id}/os-volume_attachments', headers=TOKEN,
                  json={'volumeAttachment': {'volumeId': volume_id}}).raise_for_status()
    Cloud.wait_for(lambda: _status(volume, volume_id) == 'in-use', 'the volume to be in-use')
    requests.delete(f'{compute}/servers/{server_id}', headers=TOKEN).raise_for_status()
    Cloud.wait_for(lambda: _status(volume, volume_id) == 'available',
                   'the volume of the deleted server to be available')


def _image(compute):
    return requests.get(f'{compute}/images', headers={'X-Auth-Token': 'demo:demo'}) \
        .json()['images'][0]['id']


def _boot_from_volume(compute, mapping):
    resp = requests.post(f'{compute}/servers', headers=TOKEN, json={'server': {
        'name': 'bfv', 'flavorRef': '1', 'networks': 'none',
        'block_device_mapping_v2': [mapping]}})
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    Cloud.wait_for(lambda: requests.get(f'{compute}/servers/{server_id}', headers=TOKEN)
                   .json()['server']['status'] in ('ACTIVE', 'ERROR'), 'the build to end')
    server = requests.get(f'{compute}/servers/{server_id}', headers=TOKEN).json()['server']
    assert server['status'] == 'ACTIVE', server.get('fault')
    return server


def test_boot_from_an_image_volume_makes_it_in_use_and_delete_removes_it(aio):
    compute, volume = aio
    server = _boot_from_volume(compute, {
        'source_type': 'image', 'destination_type': 'volume', 'boot_index': 0,
        'uuid': _image(compute), 'volume_size': 1, 'delete_on_termination': True})
    assert server['image'] == ''
    [attached] = server['os-extended-volumes:volumes_attached']
    assert attached['delete_on_termination'] is True
    made = requests.get(f'{volume}/volumes/{attached["id"]}', headers=TOKEN).json()['volume']
    assert (made['status'], made['bootable'], made['size']) == ('in-use', 'true', 1)
    assert made['attachments'][0]['server_id'] == server['id']
    assert made['attachments'][0]['device'] == '/dev/vda'

    requests.delete(f'{compute}/servers/{server["id"]}', headers=TOKEN).raise_for_status()
    Cloud.wait_for(lambda: _status(volume, attached['id']) == 404,
                   'the boot volume to be deleted with its server')


def test_boot_from_an_existing_volume_keeps_it_after_the_server(aio):
    compute, volume = aio
    volume_id = _volume(volume)
    server = _boot_from_volume(compute, {'source_type': 'volume', 'destination_type': 'volume',
                                         'boot_index': 0, 'uuid': volume_id})
    assert server['os-extended-volumes:volumes_attached'] == [
        {'id': volume_id, 'delete_on_termination': False}]
    assert _status(volume, volume_id) == 'in-use'
    detach = requests.delete(
        f'{compute}/servers/{server["id"]}/os-volume_attachments/{volume_id}', headers=TOKEN)
    assert detach.status_code == 400
    assert 'root device' in detach.text
    requests.delete(f'{compute}/servers/{server["id"]}', headers=TOKEN).raise_for_status()
    Cloud.wait_for(lambda: _status(volume, volume_id) == 'available',
                   'the boot volume to be available after its server')


def _max_compute_version(compute):
    version = requests.get(compute).json()['version']['version']
    return tuple(int(part) for part in version.split('.'))


def test_growing_an_attached_volume_tells_its_server_s_host(aio):
    compute, volume = aio
    if _max_compute_version(compute) < (2, 51):
        pytest.skip('the compute API does not serve 2.51 (volume-extended) yet')
    server_id, volume_id = _server(compute), _volume(volume)
    requests.post(f'{compute}/servers/{server_id}/os-volume_attachments', headers=TOKEN,
                  json={'volumeAttachment': {'volumeId': volume_id}}).raise_for_status()
    Cloud.wait_for(lambda: _status(volume, volume_id) == 'in-use', 'the volume to be in-use')
    resp = requests.post(f'{volume}/volumes/{volume_id}/action',
                         headers=dict(TOKEN, **{'OpenStack-API-Version': 'volume 3.42'}),
                         json={'os-extend': {'new_size': 2}})
    assert resp.status_code == 202, resp.text

    def extended():
        listed = requests.get(f'{compute}/servers/{server_id}/os-instance-actions',
                              headers={'X-Auth-Token': 'admin:admin'}).json()
        return [a for a in listed['instanceActions'] if a['action'] == 'extend_volume']
    Cloud.wait_for(extended, 'the extend_volume action on the server')
    request_id = extended()[0]['request_id']

    def event():
        shown = requests.get(
            f'{compute}/servers/{server_id}/os-instance-actions/{request_id}',
            headers={'X-Auth-Token': 'admin:admin'}).json()['instanceAction']
        return [(e['event'], e['result']) for e in shown.get('events', [])]
    Cloud.wait_for(lambda: ('compute_extend_volume', 'Success') in event(),
                   'the host to grow the disk')
    shown = requests.get(f'{volume}/volumes/{volume_id}', headers=TOKEN).json()['volume']
    assert (shown['status'], shown['size']) == ('in-use', 2)
