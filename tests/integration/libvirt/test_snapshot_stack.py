"""Snapshots and shelving of real guests through the whole stack.

One cloud (api, conductor, scheduler, novalite-image-api and one libvirt
compute host in the harness's namespace) serves the module. The compute host
reaches the image API over HTTP through a relay that can hold an upload in
mid-stream, so a compute can be killed while its snapshot is uploading.

The tiny guest marks its blank root disk at first boot with its hostname and
shows a mark it finds: a server booted from a snapshot, or unshelved from
its shelved image, shows the mark the first guest wrote.
"""

import os
import threading

import pytest
import requests

from tests.guest import build as guest_build
from tests.integration.cloud import free_port
from tests.integration.libvirt import fullstack, relay

pytestmark = pytest.mark.integration

FLAVOR = {'name': 'tiny', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': '100'}
USER = {'X-Auth-Token': 'admin:admin'}


class UploadGate(relay.LoopbackRelay):
    """A relay that, while ``hold`` is set, lets an image upload's first chunk (its
    headers) through and holds the rest until ``release`` is set."""

    def __init__(self, harness, port):
        super().__init__(harness, port)
        self.hold = threading.Event()
        self.release = threading.Event()

    def _pump(self, source, sink):
        uploading = False
        try:
            while data := source.recv(relay._CHUNK):
                if uploading:
                    self.release.wait()
                elif self.hold.is_set() and data.startswith(b'PUT ') and b'/file' in data[:200]:
                    uploading = True
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.close()
            except OSError:
                pass


@pytest.fixture(scope='module')
def cloud(harness, guest_files, tmp_path_factory):
    reason = fullstack.rabbit_unavailable()
    if reason:
        pytest.skip(f'no message bus for the daemons: {reason}')
    workdir = tmp_path_factory.mktemp('snapshot-stack')
    port = free_port()
    url = f'http://127.0.0.1:{port}'
    cloud = fullstack.LibvirtCloud(harness, workdir, f'sqlite:///{workdir}/novalite.sqlite',
                                   options={'image': {'listen': '127.0.0.1', 'port': port}})
    cloud.compute_options[fullstack.HOST]['glance'] = {
        'api_servers': url, 'auth_type': 'admin_token', 'token': 'admin:admin',
        'endpoint': url, 'num_retries': 0}
    cloud.gate = UploadGate(harness, port).start()
    try:
        cloud.start()
        cloud.spawn('image-api', 'novalite-image-api',
                    os.path.join(cloud.workdir, 'controller.conf'))
        cloud.wait_for(lambda: requests.get(url + '/versions', timeout=5).ok,
                       'the image API to answer')
        cloud.image_url = url
        cloud.client.flavors.create(**FLAVOR)
        cloud.images = cloud.register_guest(guest_files)
        yield cloud
    finally:
        cloud.gate.release.set()
        cloud.stop()
        cloud.gate.stop()


def _boot(cloud, name, image):
    cloud.cli('boot', name, '--flavor', FLAVOR['name'], '--image', image, '--nic', 'none',
              '--config-drive', 'true',
              '--wait', '--poll-interval', '0.2', '--wait-timeout', '120')
    (server,) = [s for s in cloud.client.servers.list() if s['name'] == name]
    return server['id']


def _mark(cloud, server_id, hostname):
    mark = f'{guest_build.ROOT_MARKER} from {hostname}'
    cloud.wait_console(server_id, f'root wrote={mark}')
    return mark


def _image(cloud, image_id):
    resp = requests.get(f'{cloud.image_url}/v2/images/{image_id}', headers=USER, timeout=10)
    return resp.json() if resp.status_code == 200 else None


def _server(cloud, server_id):
    return cloud.client.servers.get(server_id)


def test_a_snapshot_boots_as_a_new_server_with_what_the_first_guest_wrote(cloud):
    first = _boot(cloud, 'first', cloud.images['kernel_boot'])
    mark = _mark(cloud, first, 'first')
    done = cloud.cli('image-create', first, 'first-snap', '--wait')
    image_id = done.stdout.split()[1]
    image = _image(cloud, image_id)
    assert (image['status'], image['disk_format']) == ('active', 'qcow2')
    assert (image['instance_uuid'], image['image_type']) == (first, 'snapshot')
    assert _server(cloud, first)['status'] == 'ACTIVE'

    second = _boot(cloud, 'second', image_id)
    cloud.wait_console(second, f'root has={mark}')
    cloud.cli('delete', first, second, '--wait')


def test_shelve_offload_frees_the_host_and_unshelve_brings_the_disk_back(cloud):
    server_id = _boot(cloud, 'shelf', cloud.images['kernel_boot'])
    mark = _mark(cloud, server_id, 'shelf')
    cloud.cli('shelve', server_id, '--wait')
    shown = _server(cloud, server_id)
    # [DEFAULT] shelved_offload_time is 0: offloaded at once.
    assert (shown['status'], shown['OS-EXT-SRV-ATTR:host']) == ('SHELVED_OFFLOADED', None)
    assert cloud.domain(server_id) is None
    assert not os.path.exists(cloud.instance_dir(server_id))
    cloud.wait_for(lambda: cloud.client.hypervisors.list(detailed=True)[0]['vcpus_used'] == 0,
                   'the offloaded server\'s claim to be released')

    cloud.cli('unshelve', server_id, '--wait')
    shown = _server(cloud, server_id)
    assert (shown['status'], shown['OS-EXT-SRV-ATTR:host']) == ('ACTIVE', fullstack.HOST)
    cloud.wait_console(server_id, f'root has={mark}')
    names = [image['name'] for image in requests.get(
        f'{cloud.image_url}/v2/images', headers=USER, timeout=10).json()['images']]
    assert 'shelf-shelved' not in names
    cloud.cli('delete', server_id, '--wait')


def test_a_compute_killed_while_uploading_leaves_no_active_half_image(cloud):
    server_id = _boot(cloud, 'crash', cloud.images['kernel_boot'])
    _mark(cloud, server_id, 'crash')
    cloud.gate.hold.set()
    cloud.gate.release.clear()
    resp = cloud.client.post(f'/servers/{server_id}/action', {'createImage': {'name': 'half'}},
                             microversion='2.1', response_headers=(headers := {}))
    assert resp is None
    image_id = headers['Location'].rsplit('/', 1)[1]
    cloud.wait_for(lambda: _server(cloud, server_id)['OS-EXT-STS:task_state'] ==
                   'image_uploading', 'the upload to start')
    cloud.wait_for(lambda: (_image(cloud, image_id) or {}).get('status') == 'saving',
                   'the image to be saving')
    cloud.kill(fullstack.HOST)
    cloud.gate.hold.clear()
    assert _image(cloud, image_id)['status'] != 'active'

    cloud.restart(fullstack.HOST)
    cloud.wait_for(lambda: (_server(cloud, server_id)['status'],
                            _server(cloud, server_id)['OS-EXT-STS:task_state']) ==
                   ('ACTIVE', None), 'the server ACTIVE after the restart')
    cloud.gate.release.set()
    assert _image(cloud, image_id) is None
    assert cloud.domain_state(server_id) is not None
    cloud.cli('delete', server_id, '--wait')
