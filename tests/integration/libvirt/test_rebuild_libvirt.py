"""Rebuild of a real guest through the whole stack (CLI, API, conductor, libvirt compute).

``novalite rebuild --wait`` destroys the domain, recreates the overlay over
the new image's base and rebuilds the config drive: the guest that boots
reads the new name from it, keeps its fixed IP (and pings its gateway), and
finds its ephemeral disk as it left it with ``--preserve-ephemeral``, blank
without.
"""

import json
import os
import subprocess

import pytest

from novalite.virt.libvirt import imagecache
from tests.integration.libvirt import fullstack

pytestmark = pytest.mark.integration

FLAVOR = {'name': 'tiny-eph', 'ram': 192, 'vcpus': 1, 'disk': 1, 'ephemeral': 1, 'id': '101'}
VOLUME_MARKER = 'NOVALITE-VOLUME'


@pytest.fixture(scope='module')
def cloud(harness, guest_files, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('rebuild-libvirt')
    made = fullstack.LibvirtCloud(harness, workdir, f'sqlite:///{workdir}/novalite.sqlite')
    with fullstack.running_cloud(made, guest_files, [FLAVOR]) as started:
        started.second = started.register_guest(guest_files, suffix='-2')
        yield started


def _backing_file(path):
    done = subprocess.run(['qemu-img', 'info', '--output=json', '-U', path],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout).get('backing-filename')


def _rebuild(cloud, server_id, image, *extra):
    done = cloud.cli('rebuild', server_id, image, '--wait', '--poll-interval', '0.2',
                     '--wait-timeout', '180', *extra)
    assert 'ACTIVE' in done.stdout, done.stdout + done.stderr


def test_rebuild_recreates_the_guest_on_the_new_image_with_a_new_config_drive(cloud):
    cloud.cli('boot', 'rb', '--flavor', FLAVOR['name'], '--image',
              cloud.images['kernel_boot'], '--config-drive', 'true', '--wait',
              '--poll-interval', '0.2', '--wait-timeout', '120')
    (server,) = [s for s in cloud.client.servers.list() if s['name'] == 'rb']
    server_id = server['id']
    cloud.wait_console(server_id, 'NOVALITE-GUEST ping=')
    text = cloud.wait_console(server_id, f'disk vdb wrote={VOLUME_MARKER} from rb')
    assert 'NOVALITE-GUEST name=rb' in text
    (address,) = [a['addr'] for a in
                  cloud.client.servers.get(server_id)['addresses'][fullstack.NETWORK_LABEL]]
    first_domain = cloud.domain(server_id).ID()

    # A new image and name, the ephemeral disk kept.
    _rebuild(cloud, server_id, cloud.second['kernel_boot'], '--name', 'rb-new',
             '--preserve-ephemeral')
    rebuilt = cloud.client.servers.get(server_id)
    assert (rebuilt['name'], rebuilt['image']['id']) == ('rb-new', cloud.second['kernel_boot'])
    assert cloud.domain(server_id).ID() != first_domain
    text = cloud.wait_console(server_id, 'NOVALITE-GUEST ping=')
    assert 'NOVALITE-GUEST name=rb-new' in text and 'NOVALITE-GUEST name=rb\n' not in text
    assert f'NOVALITE-GUEST ip={address}' in text and 'NOVALITE-GUEST ping=ok' in text
    cloud.wait_console(server_id, f'disk vdb has={VOLUME_MARKER} from rb')
    overlay = os.path.join(cloud.instance_dir(server_id), 'disk')
    assert _backing_file(overlay) == os.path.join(
        cloud.base_dir(), imagecache.base_name(cloud.second['kernel_boot']))
    events = [e['event'] for a in cloud.client.servers.actions(server_id)
              if a['action'] == 'rebuild'
              for e in cloud.client.servers.action(server_id, a['request_id'])['events']]
    assert events == ['compute_rebuild_instance']

    # Without --preserve-ephemeral the ephemeral disk starts blank again.
    _rebuild(cloud, server_id, cloud.images['kernel_boot'])
    text = cloud.wait_console(server_id, f'disk vdb wrote={VOLUME_MARKER} from rb')
    assert f'has={VOLUME_MARKER}' not in text
    cloud.cli('delete', server_id, '--wait')
    assert cloud.domain(server_id) is None
