"""Resizing a real guest on its own host (``allow_resize_to_same_host``), through the stack.

One libvirt host, so the scheduler can only pick the server's own: its files
move aside to ``<instance dir>_resize`` with their definition, the resized
guest starts from copies of them, revert puts them back and confirm removes
them. The guest marks its root disk on its first boot and says on every
later boot what it finds there, so each step shows the disk survived.
"""

import os
import secrets

import libvirt
import pytest

from novalite.virt.libvirt import qemuimg
from tests.integration.libvirt import fullstack
from tests.integration.libvirt.fullstack import wait_settled
from tests.integration.libvirt.test_moves_libvirt import BIGGER, MARKER, TINY

pytestmark = pytest.mark.integration


@pytest.fixture(scope='module')
def cloud(harness, guest_files, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('resize-same-host')
    made = fullstack.LibvirtCloud(harness, workdir, f'sqlite:///{workdir}/novalite.sqlite',
                                  options={'DEFAULT': {'allow_resize_to_same_host': True}})
    with fullstack.running_cloud(made, guest_files, [TINY, BIGGER]) as started:
        yield started


@pytest.fixture
def marked(cloud):
    token = secrets.token_hex(4)
    server = cloud.client.servers.create('same-host', cloud.images['kernel_boot'], TINY['id'],
                                         user_data=MARKER.replace('@TOKEN@', token),
                                         config_drive=True)
    wait_settled(cloud, server['id'], 'ACTIVE')
    cloud.wait_console(server['id'], f'NOVALITE-GUEST root wrote=MARK-{token}')
    yield server, f'NOVALITE-GUEST root has=MARK-{token}'
    cloud.client.servers.delete(server['id'])


def _disk_size(cloud, server_id):
    return int(qemuimg.info(cloud.instance_dir(server_id) + '/disk')['virtual-size'])


def _aside(cloud, server_id):
    return cloud.instance_dir(server_id) + '_resize'


def test_revert_brings_back_the_old_guest_and_its_disk(cloud, marked):
    server, has_mark = marked
    cloud.client.servers.resize(server['id'], BIGGER['id'])
    resized = wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    assert resized['flavor']['id'] == BIGGER['id']
    cloud.wait_console(server['id'], has_mark)
    assert _disk_size(cloud, server['id']) == BIGGER['disk'] * 1024 ** 3

    cloud.client.servers.revert_resize(server['id'])
    reverted = wait_settled(cloud, server['id'], 'ACTIVE')
    assert reverted['flavor']['id'] == TINY['id']
    assert _disk_size(cloud, server['id']) == TINY['disk'] * 1024 ** 3
    cloud.wait_console(server['id'], has_mark)
    assert not os.path.exists(_aside(cloud, server['id']))


def test_confirm_keeps_the_resized_guest_and_removes_the_files_set_aside(cloud, marked):
    server, has_mark = marked
    cloud.client.servers.resize(server['id'], BIGGER['id'])
    wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    assert os.path.isdir(_aside(cloud, server['id']))

    cloud.client.servers.confirm_resize(server['id'])
    confirmed = wait_settled(cloud, server['id'], 'ACTIVE')
    assert confirmed['flavor']['id'] == BIGGER['id']
    assert cloud.domain_state(server['id']) == libvirt.VIR_DOMAIN_RUNNING
    cloud.wait_for(lambda: not os.path.exists(_aside(cloud, server['id'])),
                   'the files set aside removed', timeout=60)
    cloud.wait_console(server['id'], has_mark)
