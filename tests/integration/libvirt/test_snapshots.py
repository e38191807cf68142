"""Snapshots of real guests: the root overlay flattened into a standalone qcow2 that boots.

The tiny guest marks its blank root disk at first boot (``root wrote=...``)
and shows a mark it finds (``root has=...``): a server booted from the
snapshot of a guest shows the mark that guest wrote before the snapshot.
"""

import json
import subprocess

import pytest

from novalite import exception
from novalite.compute import vm_states
from novalite.virt import power_state
from tests.guest import build as guest_build
from tests.integration.libvirt.conftest import spawn, wait_console

pytestmark = pytest.mark.integration


def _info(path):
    return json.loads(subprocess.run(['qemu-img', 'info', '--output=json', path],
                                     check=True, capture_output=True, text=True).stdout)


def _snapshot(driver, instance, properties=None):
    states = []
    snap = driver.snapshot(None, instance, properties or {}, states.append)
    assert states == [vm_states.IMAGE_PENDING_UPLOAD]
    return snap


def _boot_from(driver, images, snap, kernel_image):
    """Register the snapshot as an image (with the kernel-boot properties) and boot it."""
    image = images.create('snap', snap.path, disk_format=snap.disk_format,
                          properties=kernel_image['properties'])
    return spawn(driver, image, with_network=False)[0]


def _mark(driver, instance):
    text = wait_console(driver, instance, f'root wrote={guest_build.ROOT_MARKER} from \\S+')
    return next(line.split('root wrote=')[1].strip() for line in text.splitlines()
                if 'root wrote=' in line)


def test_a_live_snapshot_of_a_running_guest_boots_with_what_it_wrote(
        driver, guest_images, images):
    first, _ = spawn(driver, guest_images['kernel'], with_network=False)
    mark = _mark(driver, first)
    snap = _snapshot(driver, first)
    info = _info(snap.path)
    assert (snap.disk_format, info['format']) == ('qcow2', 'qcow2')
    assert 'backing-filename' not in info
    # The guest ran on through its snapshot.
    assert driver.get_info(first).state == power_state.RUNNING
    second = _boot_from(driver, images, snap, guest_images['kernel'])
    wait_console(driver, second, f'root has={mark}')


def test_a_cold_snapshot_of_a_stopped_guest_boots_with_what_it_wrote(
        driver, guest_images, images):
    first, _ = spawn(driver, guest_images['kernel'], with_network=False)
    mark = _mark(driver, first)
    driver.power_off(None, first, [], timeout=0)
    snap = _snapshot(driver, first)
    assert 'backing-filename' not in _info(snap.path)
    second = _boot_from(driver, images, snap, guest_images['kernel'])
    wait_console(driver, second, f'root has={mark}')


def test_a_snapshot_that_requires_quiesce_is_refused_without_the_guest_agent(
        driver, guest_images):
    first, _ = spawn(driver, guest_images['kernel'], with_network=False)
    with pytest.raises(exception.QemuGuestAgentNotEnabled,
                       match='QEMU guest agent is not enabled'):
        driver.snapshot(None, first, {'hw_qemu_guest_agent': 'yes',
                                      'os_require_quiesce': 'yes'}, lambda state: None)
    # Without the requirement the same image snapshots (unquiesced).
    _snapshot(driver, first, {'hw_qemu_guest_agent': 'yes'})
