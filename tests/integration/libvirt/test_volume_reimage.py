"""A volume-backed guest rebuilt onto a new image (2.93) under real libvirt and tgtd.

The steps the compute host and the storage host take, on the real parts:
the guest boots from an iSCSI LUN made of its image (direct kernel boot, the
LUN its ``vda``) and marks the blank disk. Rebuilt with its own image
(below 2.93) the guest is recreated over the same volume and finds its mark.
Rebuilt from 2.93 the guest is removed and the volume disconnected, the tgt
driver writes the second image over the exported LUN (``os-reimage``) and
the guest spawned again from the same connection reads the second image's
marker from its boot disk, not its own.
"""

import pytest

from tests.integration.libvirt.conftest import new_instance, wait_console
from tests.integration.libvirt.test_volumes import (  # noqa: F401 (fixtures)
    GUEST_SEES_DISK_TIMEOUT,
    tgtd,
    volumes,
)

pytestmark = pytest.mark.integration

SECOND_MARKER = 'NOVALITE-SECOND-IMAGE'


@pytest.fixture
def second_image(images, guest_images, tmp_path):
    """The tiny guest's kernel image again, its root data starting with a marker."""
    root = tmp_path / 'second.raw'
    root.write_bytes((SECOND_MARKER + '\n').encode().ljust(1024 * 1024, b'\0'))
    properties = {key: guest_images['kernel']['properties'][key]
                  for key in ('kernel_id', 'ramdisk_id', 'os_command_line')}
    return images.create('tiny-second', str(root), disk_format='raw', properties=properties)


def _spawn(driver, instance, image, info):
    driver.spawn(None, instance, image, [], None, [], block_device_info={
        'block_device_mapping': [{'connection_info': info, 'mount_device': '/dev/vda',
                                  'boot_index': 0, 'volume_id': info['data']['volume_id']}]})


def test_a_guest_rebuilt_keeps_its_volume_and_rebuilt_on_it_reimaged_boots_the_new_data(
        driver, guest_images, second_image, images, volumes):  # noqa: F811
    first = guest_images['kernel']
    info = volumes(first)
    instance = new_instance(first, image_ref='')
    driver.spawned.append((instance, []))
    _spawn(driver, instance, first, info)
    mark = f"NOVALITE-ROOT from {instance['hostname']}"
    wait_console(driver, instance, f'root wrote={mark}', timeout=GUEST_SEES_DISK_TIMEOUT)

    # Below 2.93: the guest recreated over the same volume keeps what it wrote.
    driver.prepare_rebuild(None, instance, [])
    _spawn(driver, instance, first, info)
    text = wait_console(driver, instance, 'NOVALITE-GUEST root has=',
                        timeout=GUEST_SEES_DISK_TIMEOUT)
    assert f'NOVALITE-GUEST root has={mark}' in text

    # The compute host: the guest goes, the boot volume is disconnected.
    driver.prepare_rebuild(None, instance, [])
    driver.detach_volume(None, info, instance, '/dev/vda')
    # The storage host: os-reimage's write, into the LUN tgtd exports.
    volume = volumes.volumes[info['data']['volume_id']]
    volumes.driver.reimage(volume, images, second_image)
    # The compute host: the guest spawned again over the same volume.
    _spawn(driver, instance, second_image, info)
    text = wait_console(driver, instance, 'NOVALITE-GUEST root has=',
                        timeout=GUEST_SEES_DISK_TIMEOUT)
    assert f'NOVALITE-GUEST root has={SECOND_MARKER}' in text
    assert 'NOVALITE-ROOT' not in text
