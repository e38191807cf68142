"""Snapshots, backups and shelving through the all-in-one (fake driver), over HTTP.

The compute API, conductor, scheduler and compute host talk as in a real
cloud; the images land in the local image store. The fake driver writes a
real (small, raw) image file for each snapshot, so the image service's
record, data and hashes are checked as for a real guest. The novalite CLI,
novaclient and openstacksdk drive the actions; a compute killed in the
middle of a snapshot is restarted and must leave no half image behind.
"""

import json
import os
import signal
import subprocess
import sys

import openstack
import pytest
import requests
from keystoneauth1 import session, token_endpoint
from novaclient import client as nova_client

from tests.integration.cloud import Cloud, free_port

BIN = os.path.dirname(sys.executable)
USER = {'X-Auth-Token': 'demo:demo'}
ADMIN = {'X-Auth-Token': 'admin:admin'}


class AllInOne:
    def __init__(self, workdir, extra=''):
        self.workdir = workdir
        self.port = free_port()
        self.conf = workdir / 'novalite.conf'
        self.conf.write_text(f'[DEFAULT]\nstate_path = {workdir}\nhost = aio\n'
                             f'[api]\nport = {self.port}\n'
                             f'metadata_listen_port = {free_port()}\n'
                             f'[compute]\nreserved_host_memory_mb = 0\n{extra}')
        self.url = f'http://127.0.0.1:{self.port}/v2.1'
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [os.path.join(BIN, 'novalite-all-in-one'), '--config-file', str(self.conf),
             '--log-file', str(self.workdir / 'aio.log')],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        Cloud.wait_for(lambda: requests.get(f'{self.url}/os-hypervisors', headers=ADMIN)
                       .json()['hypervisors'], 'the all-in-one to register its node')
        return self

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def setup_cloud(self):
        done = subprocess.run([os.path.join(BIN, 'novalite-manage'), '--config-file',
                               str(self.conf), 'image-create', '--name', 'tiny', '--file',
                               str(self.conf), '--disk-format', 'raw', '--property',
                               'hw_disk_bus=virtio'],
                              check=True, capture_output=True, text=True)
        self.image = done.stdout.strip()
        requests.post(f'{self.url}/flavors', headers=ADMIN, json={'flavor': {
            'name': 'small', 'ram': 64, 'vcpus': 1, 'disk': 1, 'id': '1'}}).raise_for_status()

    def cli(self, *args, check=True, token='demo:demo'):
        done = subprocess.run([os.path.join(BIN, 'novalite'), '--os-compute-url', self.url,
                               '--os-token', token, *args],
                              capture_output=True, text=True, timeout=120)
        assert not check or done.returncode == 0, done.stdout + done.stderr
        return done

    def server(self, name='vm', image=None, version='2.37'):
        resp = requests.post(f'{self.url}/servers', headers=dict(
            USER, **{'OpenStack-API-Version': f'compute {version}'}), json={'server': {
                'name': name, 'imageRef': image or self.image, 'flavorRef': '1',
                'networks': 'none'}})
        resp.raise_for_status()
        server_id = resp.json()['server']['id']
        self.wait_status(server_id, 'ACTIVE')
        return server_id

    def show(self, server_id):
        return requests.get(f'{self.url}/servers/{server_id}', headers=ADMIN).json()['server']

    def wait_status(self, server_id, status):
        Cloud.wait_for(lambda: (self.show(server_id)['status'],
                                self.show(server_id)['OS-EXT-STS:task_state']) == (status, None),
                       f'server {server_id} {status}')

    def action(self, server_id, body, headers=USER):
        return requests.post(f'{self.url}/servers/{server_id}/action', headers=headers,
                             json=body)

    def images(self):
        """The image store's records, by id."""
        records = {}
        for name in os.listdir(self.workdir / 'images'):
            if name.endswith('.json'):
                with open(self.workdir / 'images' / name) as f:
                    record = json.load(f)
                records[record['id']] = record
        return records


@pytest.fixture(scope='module')
def aio(tmp_path_factory):
    image_port = free_port()
    cloud = AllInOne(tmp_path_factory.mktemp('aio-snapshots'),
                     f'[DEFAULT]\nshelved_offload_time = -1\n'
                     f'[image]\nlisten = 127.0.0.1\nport = {image_port}\n')
    cloud.image_url = f'http://127.0.0.1:{image_port}'
    cloud.start()
    cloud.setup_cloud()
    # The Image API over the same store, for the openstack CLI's --wait.
    image_api = subprocess.Popen(
        [os.path.join(BIN, 'novalite-image-api'), '--config-file', str(cloud.conf),
         '--log-file', str(cloud.workdir / 'image-api.log')],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    Cloud.wait_for(lambda: _answers(cloud.image_url + '/versions'), 'the image API to answer')
    yield cloud
    image_api.terminate()
    image_api.wait(timeout=60)
    cloud.stop()


def _answers(url):
    try:
        return requests.get(url, timeout=5).ok
    except requests.ConnectionError:
        return False


def test_cli_image_create_waits_for_an_active_snapshot_that_boots(aio):
    server_id = aio.server('origin')
    done = aio.cli('image-create', server_id, 'origin-snap', '--metadata', 'k=v', '--wait')
    image_id = done.stdout.split()[1]
    assert f'Image {image_id} is ACTIVE.' in done.stdout
    image = aio.images()[image_id]
    assert (image['status'], image['disk_format'], image['size']) == ('active', 'raw', 65536)
    assert image['properties'] == {
        'hw_disk_bus': 'virtio', 'base_image_ref': aio.image, 'instance_uuid': server_id,
        'user_id': 'demo', 'image_type': 'snapshot', 'k': 'v'}
    data = (aio.workdir / 'images' / image_id).read_bytes()
    assert data.startswith(f'NOVALITE-FAKE-SNAPSHOT {server_id}'.encode())
    # The snapshot is an image like any other: a server boots from it.
    aio.server('from-snap', image=image_id)
    events = requests.get(f'{aio.url}/servers/{server_id}/os-instance-actions',
                          headers=USER).json()['instanceActions']
    assert events[0]['action'] == 'createImage'


def test_backups_beyond_the_rotation_are_deleted_oldest_first(aio):
    server_id = aio.server('backed-up')
    made = []
    for number in range(3):
        done = aio.cli('backup', server_id, f'b{number}', 'daily', '2', '--wait')
        made.append(done.stdout.split()[1])
    aio.cli('backup', server_id, 'w0', 'weekly', '1', '--wait')
    backups = {i['name'] for i in aio.images().values()
               if i['properties'].get('instance_uuid') == server_id}
    assert backups == {'b1', 'b2', 'w0'}


def test_shelve_keeps_the_host_until_offloaded_and_unshelve_cleans_up(aio):
    server_id = aio.server('shelf')
    aio.cli('shelve', server_id, '--wait')
    shown = aio.show(server_id)
    assert shown['status'] == 'SHELVED' and shown['OS-EXT-SRV-ATTR:host'] == 'aio'
    shelved_image = next(i for i in aio.images().values() if i['name'] == 'shelf-shelved')
    assert shelved_image['status'] == 'active'
    # Shelved but not offloaded: unshelve powers it on where it is.
    aio.cli('unshelve', server_id, '--wait')
    assert shelved_image['id'] not in aio.images()

    aio.cli('shelve', server_id, '--wait')
    assert aio.cli('shelve-offload', server_id, check=False).returncode != 0  # admin only
    assert aio.action(server_id, {'shelveOffload': None}, ADMIN).status_code == 202
    aio.wait_status(server_id, 'SHELVED_OFFLOADED')
    shown = aio.show(server_id)
    assert shown['OS-EXT-SRV-ATTR:host'] is None
    assert f'{server_id}.json' not in os.listdir(aio.workdir / 'fake-aio')

    aio.cli('unshelve', server_id, '--wait')
    shown = aio.show(server_id)
    assert (shown['status'], shown['OS-EXT-SRV-ATTR:host']) == ('ACTIVE', 'aio')
    assert not [i for i in aio.images().values() if i['name'] == 'shelf-shelved']
    actions = [a['action'] for a in requests.get(
        f'{aio.url}/servers/{server_id}/os-instance-actions', headers=USER).json()
        ['instanceActions']]
    assert actions[:4] == ['unshelve', 'shelveOffload', 'shelve', 'unshelve']


def test_deleting_a_shelved_server_deletes_its_shelved_image(aio):
    server_id = aio.server('doomed')
    aio.cli('shelve', server_id, '--wait')
    assert [i for i in aio.images().values() if i['name'] == 'doomed-shelved']
    aio.cli('delete', server_id, '--wait')
    assert not [i for i in aio.images().values() if i['name'] == 'doomed-shelved']


def test_novaclient_and_openstacksdk_snapshot_and_shelve(aio):
    sess = session.Session(auth=token_endpoint.Token(aio.url, 'demo:demo'))
    nova = nova_client.Client('2.37', session=sess)
    server_id = aio.server('clients')
    image_id = nova.servers.create_image(server_id, 'nova-snap')
    aio.wait_status(server_id, 'ACTIVE')
    assert aio.images()[image_id]['status'] == 'active'
    nova.servers.shelve(server_id)
    aio.wait_status(server_id, 'SHELVED')
    nova.servers.unshelve(server_id)
    aio.wait_status(server_id, 'ACTIVE')

    sdk = openstack.connection.Connection(session=sess, compute_api_version='2.37')
    sdk.compute.backup_server(server_id, 'sdk-backup', 'daily', 1)
    aio.wait_status(server_id, 'ACTIVE')
    assert [i['status'] for i in aio.images().values() if i['name'] == 'sdk-backup'] == \
        ['active']
    sdk.compute.shelve_server(server_id)
    aio.wait_status(server_id, 'SHELVED')


def test_openstack_cli_waits_for_image_create_backup_shelve_and_unshelve(aio):
    env = {key: value for key, value in os.environ.items() if not key.startswith('OS_')}
    env.update({'OS_AUTH_TYPE': 'admin_token', 'OS_TOKEN': 'demo:demo',
                'OS_ENDPOINT': aio.url, 'OS_COMPUTE_API_VERSION': '2.37',
                'OS_IMAGE_ENDPOINT_OVERRIDE': aio.image_url})

    def openstack(*args):
        done = subprocess.run([os.path.join(BIN, 'openstack'), *args], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if '-f' in args else None

    server_id = aio.server('osc')
    image = openstack('server', 'image', 'create', '--name', 'osc-snap', '--wait', server_id,
                      '-f', 'json')
    assert (image['status'], image['properties']['instance_uuid']) == ('active', server_id)
    for number in range(3):
        openstack('server', 'backup', 'create', '--name', f'osc-b{number}', '--type', 'daily',
                  '--rotate', '2', '--wait', server_id)
    names = {i['Name'] for i in openstack('image', 'list', '-f', 'json')}
    assert {'osc-b1', 'osc-b2'} <= names and 'osc-b0' not in names
    openstack('server', 'shelve', '--wait', server_id)
    assert aio.show(server_id)['status'] == 'SHELVED'
    openstack('server', 'unshelve', '--wait', server_id)
    assert aio.show(server_id)['status'] == 'ACTIVE'


@pytest.fixture
def slow_snapshots(tmp_path):
    cloud = AllInOne(tmp_path, '[fake]\nsnapshot_seconds = 30\n')
    cloud.start()
    cloud.setup_cloud()
    yield cloud
    if cloud.proc.poll() is None:
        cloud.stop()


def test_a_compute_killed_mid_snapshot_leaves_no_image_and_an_active_server(slow_snapshots):
    cloud = slow_snapshots
    server_id = cloud.server('crashing')
    resp = cloud.action(server_id, {'createImage': {'name': 'half'}})
    image_id = resp.headers['Location'].rsplit('/', 1)[1]
    Cloud.wait_for(lambda: cloud.show(server_id)['OS-EXT-STS:task_state'] == 'image_snapshot',
                   'the snapshot to start')
    cloud.kill()
    assert cloud.images()[image_id]['status'] == 'queued'
    cloud.start()
    cloud.wait_status(server_id, 'ACTIVE')
    assert image_id not in cloud.images()
    # A snapshot after the restart completes.
    (cloud.workdir / 'novalite.conf').write_text(
        (cloud.workdir / 'novalite.conf').read_text().replace('snapshot_seconds = 30',
                                                              'snapshot_seconds = 0'))
    cloud.stop()
    cloud.start()
    done = cloud.cli('image-create', server_id, 'whole', '--wait')
    assert 'ACTIVE' in done.stdout
