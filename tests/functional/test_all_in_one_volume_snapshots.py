"""Volume snapshots and the images of volume-backed servers, through the all-in-one.

The fake virt and volume drivers; the compute API, the compute host,
novalite-volume's Block Storage API and the Image API talk over HTTP and
RPC as in a real cloud, and the real ``openstack`` CLI drives them.
"""

import json
import os
import subprocess
import sys

import pytest
import requests

from tests.functional.test_all_in_one_snapshots import _answers
from tests.integration.cloud import Cloud, free_port

BIN = os.path.dirname(sys.executable)
USER = {'X-Auth-Token': 'demo:demo'}


class Cloud3:
    """The all-in-one's three endpoints: compute, volume (project demo) and image."""

    def __init__(self, compute, volume, image):
        self.compute, self.volume, self.image = compute, volume, image

    def openstack(self, *args, endpoint=None, check=True):
        env = {key: value for key, value in os.environ.items() if not key.startswith('OS_')}
        env.update({'OS_AUTH_TYPE': 'admin_token', 'OS_TOKEN': 'demo:demo',
                    'OS_ENDPOINT': endpoint or self.compute,
                    'OS_COMPUTE_API_VERSION': '2.37', 'OS_IMAGE_ENDPOINT_OVERRIDE': self.image})
        done = subprocess.run([os.path.join(BIN, 'openstack'), *args], env=env,
                              capture_output=True, text=True, timeout=120)
        if check:
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout) if '-f' in args else None
        return done

    def get(self, url, version='2.45'):
        return requests.get(url, headers=dict(USER, **{'OpenStack-API-Version':
                                                       f'compute {version}'}))


@pytest.fixture(scope='module')
def aio(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('aio-volume-snapshots')
    port, volume_port, image_port = free_port(), free_port(), free_port()
    conf = workdir / 'novalite.conf'
    conf.write_text(f'[DEFAULT]\nstate_path = {workdir}\nhost = aio\n'
                    f'[api]\nport = {port}\nmetadata_listen_port = {free_port()}\n'
                    f'[volume]\nport = {volume_port}\n'
                    f'[image]\nlisten = 127.0.0.1\nport = {image_port}\n'
                    f'[cinder]\nendpoint_template = '
                    f'http://127.0.0.1:{volume_port}/v3/%(project_id)s\n'
                    f'[compute]\nreserved_host_memory_mb = 0\n'
                    f'block_device_allocate_retries_interval = 0.2\n'
                    # The volume service's events (volume-reimaged) reach the API.
                    f'[nova]\nendpoint = http://127.0.0.1:{port}/v2.1\n')
    procs = [subprocess.Popen([os.path.join(BIN, binary), '--config-file', str(conf),
                               '--log-file', str(workdir / f'{binary}.log')],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for binary in ('novalite-all-in-one', 'novalite-image-api')]
    cloud = Cloud3(f'http://127.0.0.1:{port}/v2.1',
                   f'http://127.0.0.1:{volume_port}/v3/demo', f'http://127.0.0.1:{image_port}')
    admin = {'X-Auth-Token': 'admin:admin'}
    Cloud.wait_for(lambda: requests.get(f'{cloud.compute}/os-hypervisors', headers=admin)
                   .json()['hypervisors'], 'the all-in-one to register its node')
    Cloud.wait_for(lambda: _answers(cloud.image + '/versions'), 'the image API to answer')
    cloud.image_id = subprocess.run(
        [os.path.join(BIN, 'novalite-manage'), '--config-file', str(conf), 'image-create',
         '--name', 'tiny', '--file', str(conf), '--disk-format', 'raw', '--property',
         'hw_qemu_guest_agent=yes'],
        check=True, capture_output=True, text=True).stdout.strip()
    requests.post(f'{cloud.compute}/flavors', headers=admin, json={'flavor': {
        'name': 'small', 'ram': 64, 'vcpus': 1, 'disk': 1, 'id': '1'}}).raise_for_status()
    yield cloud
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=60)


def _wait_server(aio, server_id):
    Cloud.wait_for(lambda: aio.get(f'{aio.compute}/servers/{server_id}').json()['server']
                   ['status'] in ('ACTIVE', 'ERROR'), 'the build to end')
    server = aio.get(f'{aio.compute}/servers/{server_id}').json()['server']
    assert server['status'] == 'ACTIVE', server.get('fault')
    return server


def _boot(aio, **body):
    resp = requests.post(f'{aio.compute}/servers', json={'server': dict(
        body, name='bfv', flavorRef='1', networks='none')},
        headers=dict(USER, **{'OpenStack-API-Version': 'compute 2.45'}))
    assert resp.status_code == 202, resp.text
    return _wait_server(aio, resp.json()['server']['id'])


def _boot_from_volume(aio):
    return _boot(aio, block_device_mapping_v2=[{
        'source_type': 'image', 'destination_type': 'volume', 'boot_index': 0,
        'uuid': aio.image_id, 'volume_size': 1, 'delete_on_termination': True}])


def _image(aio, image_id):
    return requests.get(f'{aio.image}/v2/images/{image_id}', headers=USER).json()


def _status(url, key):
    found = requests.get(url, headers=USER)
    return found.json()[key]['status'] if found.status_code == 200 else found.status_code


def test_create_image_of_a_volume_backed_server_holds_its_volume_s_snapshot(aio):
    server = _boot_from_volume(aio)
    [volume] = server['os-extended-volumes:volumes_attached']
    resp = requests.post(f"{aio.compute}/servers/{server['id']}/action",
                         headers=dict(USER, **{'OpenStack-API-Version': 'compute 2.45'}),
                         json={'createImage': {'name': 'bfv-snap'}})
    assert resp.status_code == 202, resp.text
    image = _image(aio, resp.json()['image_id'])
    assert (image['status'], image['size'], image['bdm_v2']) == ('active', 0, 'True')
    assert image['root_device_name'] == '/dev/vda'
    assert image['hw_qemu_guest_agent'] == 'yes'
    [mapping] = json.loads(image['block_device_mapping'])
    assert {key: mapping[key] for key in ('source_type', 'destination_type', 'boot_index',
                                          'volume_size', 'delete_on_termination')} == {
        'source_type': 'snapshot', 'destination_type': 'volume', 'boot_index': 0,
        'volume_size': 1, 'delete_on_termination': True}
    snapshot = requests.get(f"{aio.volume}/snapshots/{mapping['snapshot_id']}",
                            headers=USER).json()['snapshot']
    assert (snapshot['volume_id'], snapshot['name']) == (volume['id'], 'snapshot for bfv-snap')
    actions = aio.get(f"{aio.compute}/servers/{server['id']}/os-instance-actions").json()
    assert 'createImage' in [a['action'] for a in actions['instanceActions']]
    # The image asks for the guest agent: frozen for the snapshots, thawed after them.
    Cloud.wait_for(lambda: 'filesystems thawed' in _console(aio, server['id']),
                   'the guest to be thawed')
    console = _console(aio, server['id'])
    assert console.index('filesystems frozen') < console.index('filesystems thawed')


def _console(aio, server_id):
    return requests.post(f'{aio.compute}/servers/{server_id}/action', headers=USER,
                         json={'os-getConsoleOutput': {}}).json()['output']


def test_before_2_45_the_image_is_named_by_the_location_header(aio):
    server = _boot_from_volume(aio)
    resp = requests.post(f"{aio.compute}/servers/{server['id']}/action",
                         headers=dict(USER, **{'OpenStack-API-Version': 'compute 2.44'}),
                         json={'createImage': {'name': 'old-client'}})
    assert resp.status_code == 202 and not resp.content
    image_id = resp.headers['Location'].rsplit('/', 1)[1]
    assert _image(aio, image_id)['name'] == 'old-client'


def test_a_server_booted_from_the_image_boots_from_a_volume_made_of_the_snapshot(aio):
    source = _boot_from_volume(aio)
    image_id = requests.post(
        f"{aio.compute}/servers/{source['id']}/action",
        headers=dict(USER, **{'OpenStack-API-Version': 'compute 2.45'}),
        json={'createImage': {'name': 'golden'}}).json()['image_id']
    [mapping] = json.loads(_image(aio, image_id)['block_device_mapping'])
    server = _boot(aio, imageRef=image_id)
    assert server['image'] == ''
    [attached] = server['os-extended-volumes:volumes_attached']
    assert attached['delete_on_termination'] is True
    made = requests.get(f"{aio.volume}/volumes/{attached['id']}", headers=USER) \
        .json()['volume']
    assert (made['snapshot_id'], made['status'], made['bootable']) == \
        (mapping['snapshot_id'], 'in-use', 'true')
    assert made['attachments'][0]['device'] == '/dev/vda'
    requests.delete(f"{aio.compute}/servers/{server['id']}", headers=USER).raise_for_status()
    Cloud.wait_for(lambda: _status(f"{aio.volume}/volumes/{attached['id']}", 'volume') == 404,
                   'the volume made of the snapshot to go with its server')


def test_a_volume_backed_server_cannot_be_backed_up(aio):
    server = _boot_from_volume(aio)
    resp = requests.post(f"{aio.compute}/servers/{server['id']}/action", headers=USER,
                         json={'createBackup': {'name': 'b', 'backup_type': 'daily',
                                                'rotation': 1}})
    assert resp.status_code == 400
    assert "It's not supported to backup volume backed instance." in resp.text


def test_openstack_cli_makes_the_image_of_a_volume_backed_server(aio):
    server = _boot_from_volume(aio)
    image = aio.openstack('server', 'image', 'create', '--name', 'osc-bfv', '--wait',
                          server['id'], '-f', 'json')
    assert (image['status'], image['size']) == ('active', 0)
    assert image['properties']['bdm_v2'] == 'True'


def test_openstack_cli_snapshots_a_volume_and_makes_a_volume_of_the_snapshot(aio):
    created = aio.openstack('volume', 'create', '--size', '1', 'data', '-f', 'json',
                            endpoint=aio.volume)
    volume_url = f"{aio.volume}/volumes/{created['id']}"
    Cloud.wait_for(lambda: _status(volume_url, 'volume') == 'available',
                   'the volume to be available')
    snapshot_id = aio.openstack('volume', 'snapshot', 'create', '--volume', created['id'],
                                'snap', '-f', 'json', endpoint=aio.volume)['id']
    snapshot_url = f'{aio.volume}/snapshots/{snapshot_id}'
    Cloud.wait_for(lambda: _status(snapshot_url, 'snapshot') == 'available',
                   'the snapshot to be available')
    refused = aio.openstack('volume', 'delete', created['id'], endpoint=aio.volume,
                            check=False)
    assert refused.returncode != 0 and 'snapshots' in refused.stderr
    copy = aio.openstack('volume', 'create', '--snapshot', snapshot_id, 'copy', '-f', 'json',
                         endpoint=aio.volume)
    Cloud.wait_for(lambda: _status(f"{aio.volume}/volumes/{copy['id']}", 'volume') ==
                   'available', 'the volume made from the snapshot to be available')
    assert requests.get(f"{aio.volume}/volumes/{copy['id']}", headers=USER) \
        .json()['volume']['snapshot_id'] == snapshot_id
    aio.openstack('volume', 'snapshot', 'delete', snapshot_id, endpoint=aio.volume)
    Cloud.wait_for(lambda: _status(snapshot_url, 'snapshot') == 404,
                   'the snapshot to be deleted')
    aio.openstack('volume', 'delete', created['id'], endpoint=aio.volume)
