"""Resizing a server with an attached iSCSI volume on its own host, through the stack.

One libvirt compute host with ``allow_resize_to_same_host``, novalite-volume
and a real tgtd (:class:`volume_stack.VolumeCloud`). The host the guest
leaves and the host it arrives on are the same: it lets the volume go
(its attachment swapped for a reserved one, its CHAP secret undefined) and
takes it again for the resized guest, and a revert does both once more. The
guest runs the volume ticker of :mod:`test_volume_moves_libvirt`: after each
step a boot of the guest after that step reads the marker it wrote on the
volume and writes its ticks there, over one attachment, one iSCSI session
and one libvirt secret.
"""

import xml.etree.ElementTree as ET

import libvirt
import pytest

from novalite.virt.libvirt import volume as libvirt_volume
from tests.integration import tgt
from tests.integration.libvirt import fullstack, volume_stack
from tests.integration.libvirt.fullstack import wait_settled
from tests.integration.libvirt.test_moves_libvirt import BIGGER, TINY
from tests.integration.libvirt.test_volume_moves_libvirt import (
    boots,
    secrets_on,
    server_with_volume,
    tick_on_volume,
    ticks,
    volume_mark,
    wait_ticks_on,
)

pytestmark = pytest.mark.integration

NAME = 'vm-resize'
MARK = volume_mark(NAME)


@pytest.fixture(scope='module')
def cloud(harness, guest_files, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('volume-resize-same-host')
    made = volume_stack.VolumeCloud(harness, workdir, f'sqlite:///{workdir}/novalite.sqlite',
                                    options={'DEFAULT': {'allow_resize_to_same_host': True}})
    with fullstack.running_cloud(made, guest_files, [TINY, BIGGER],
                                 unavailable=tgt.TgtUnavailable) as started:
        yield started


@pytest.fixture(scope='module')
def server(cloud):
    return server_with_volume(cloud, NAME, 'resized-data')


def assert_volume_used_once(cloud, server, old_boots, count=3):
    """The guest, booted after ``old_boots``, reads its marker on the volume and
    writes to it (``count`` ticks of that boot), over one attachment, one iSCSI
    session and one secret."""
    server_id, volume_id = server['id'], server['volume_id']
    assert cloud.domain_state(server_id) == libvirt.VIR_DOMAIN_RUNNING
    # A resize or revert boots the guest again (TCG: slowly).
    written = wait_ticks_on(cloud, server_id, count=count, old_boots=old_boots, timeout=180,
                            mark=MARK)
    assert {has for has, _tick in written} == {MARK}
    assert tick_on_volume(cloud, volume_id) >= written[-1][1]
    shown = cloud.wait_volume(volume_id, 'in-use')
    assert [(a['server_id'], a['host_name']) for a in shown['attachments']] == \
        [(server_id, fullstack.HOST)]
    # No reserved or attaching attachment left beside the one in use.
    assert [(a['instance'], a['status']) for a in cloud.attachments(volume_id)] == \
        [(server_id, 'attached')]
    mapped = cloud.client.get(f'/servers/{server_id}/os-volume_attachments')
    assert [a['volumeId'] for a in mapped['volumeAttachments']] == [volume_id]
    disks = ET.fromstring(cloud.domain(server_id).XMLDesc(0)).iter('disk')
    assert [disk.findtext('serial') for disk in disks].count(volume_id) == 1
    cloud.wait_for(lambda: len(cloud.sessions(volume_id)) == 1,
                   f'one iSCSI session on {volume_id}', timeout=30)
    assert secrets_on(cloud.harness.uri).count(libvirt_volume.secret_usage(volume_id)) == 1


def test_a_reverted_same_host_resize_keeps_the_volume_readable_and_writable(cloud, server):
    seen = boots(cloud, server['id'])
    cloud.client.servers.resize(server['id'], BIGGER['id'])
    resized = wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    assert resized['flavor']['id'] == BIGGER['id']
    assert_volume_used_once(cloud, server, seen)

    seen |= boots(cloud, server['id'])
    cloud.client.servers.revert_resize(server['id'])
    reverted = wait_settled(cloud, server['id'], 'ACTIVE')
    assert reverted['flavor']['id'] == TINY['id']
    assert_volume_used_once(cloud, server, seen)


def test_a_confirmed_same_host_resize_keeps_the_volume_readable_and_writable(cloud, server):
    seen = boots(cloud, server['id'])
    cloud.client.servers.resize(server['id'], BIGGER['id'])
    wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    assert_volume_used_once(cloud, server, seen)

    # The confirm removes the files set aside; the resized guest runs on, not
    # booted again: three more of its ticks are written after the confirm.
    so_far = len(ticks(cloud.client.servers.console_output(server['id']), seen))
    cloud.client.servers.confirm_resize(server['id'])
    confirmed = wait_settled(cloud, server['id'], 'ACTIVE')
    assert confirmed['flavor']['id'] == BIGGER['id']
    assert_volume_used_once(cloud, server, seen, count=so_far + 3)
