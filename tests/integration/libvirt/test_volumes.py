"""iSCSI volumes in real guests: tgtd targets with CHAP, QEMU's own initiator, hot-plug.

A tgtd in the harness's network namespace exports volumes made by the tgt
volume driver; LibvirtDriver attaches them as network disks with a libvirt
secret for CHAP. The tiny guest marks each new disk (or prints the mark it
finds) on its serial console, so what one guest wrote another reads back.
"""

import uuid

import libvirt
import pytest

from novalite import exception
from novalite.virt.libvirt import volume as libvirt_volume
from novalite.volume import cinder, drivers
from novalite.volume.drivers import tgt
from tests.integration import tgt as tgt_server
from tests.integration.libvirt.conftest import new_instance, spawn, wait_console

pytestmark = pytest.mark.integration

GUEST_SEES_DISK_TIMEOUT = 60


@pytest.fixture(scope='module')
def tgtd(harness):
    try:
        server = tgt_server.TgtServer(netns=harness.name).start()
    except tgt_server.TgtUnavailable as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def volumes(it_conf, tgtd, tmp_path, images):
    """Make exported 1 GiB volumes (blank, or of an image written with qemu-img);
    returns their connection_info as compute gets it."""
    tgtd.configure(it_conf)
    it_conf.set_override('volumes_dir', str(tmp_path / 'volumes'), group='volume')
    volume_driver = tgt.TgtDriver(it_conf)

    def make(image=None):
        volume = {'uuid': str(uuid.uuid4()), 'size': 1}
        make.volumes[volume['uuid']] = volume
        if image is None:
            volume_driver.create_volume(volume)
        else:
            volume_driver.create_volume_from_image(volume, images, image)
        volume.update(volume_driver.create_export(volume))
        flat = dict(drivers.connection_info(volume), attachment_id='a')
        return cinder.translate_connection_info(flat)

    make.volumes = {}
    make.driver = volume_driver
    yield make
    # Every volume registered here, also those tests make of snapshots.
    for volume in make.volumes.values():
        volume_driver.remove_export(volume)
        volume_driver.delete_volume(volume)


def _domain_xml(harness, instance, flags=0):
    return libvirt.open(harness.uri).lookupByName(instance['name']).XMLDesc(flags)


def test_what_one_guest_writes_to_a_volume_another_reads_back(driver, guest_images, volumes,
                                                             harness):
    info = volumes()
    first, _ = spawn(driver, guest_images['kernel'], with_network=False)
    second, _ = spawn(driver, guest_images['kernel'], with_network=False)
    wait_console(driver, first, 'NOVALITE-GUEST ready')

    driver.attach_volume(None, info, first, '/dev/vdb')
    wait_console(driver, first, 'disk vdb wrote=NOVALITE-VOLUME from tiny-',
                 timeout=GUEST_SEES_DISK_TIMEOUT)
    driver.detach_volume(None, info, first, '/dev/vdb')
    wait_console(driver, first, 'disk vdb gone')
    assert libvirt_volume.find_disk(_domain_xml(harness, first), 'vdb') is None

    wait_console(driver, second, 'NOVALITE-GUEST ready')
    driver.attach_volume(None, info, second, '/dev/vdb')
    text = wait_console(driver, second, 'disk vdb has=', timeout=GUEST_SEES_DISK_TIMEOUT)
    assert f"disk vdb has=NOVALITE-VOLUME from {first['hostname']}" in text


def test_a_guest_boots_from_a_volume_made_of_its_image_and_reboots_from_it(
        driver, guest_images, volumes, harness):
    if guest_images['disk'] is None:
        pytest.skip('no bootable disk image (syslinux missing)')
    info = volumes(guest_images['disk'])
    instance = new_instance(guest_images['disk'], image_ref='')
    driver.spawned.append((instance, []))
    driver.spawn(None, instance, {}, [], None, [], block_device_info={
        'block_device_mapping': [{'connection_info': info, 'mount_device': '/dev/vda',
                                  'boot_index': 0, 'volume_id': info['data']['volume_id']}]})
    # The firmware read syslinux, kernel and initramfs from the LUN: no local disk.
    wait_console(driver, instance, 'NOVALITE-GUEST ready')
    xml = _domain_xml(harness, instance)
    root = libvirt_volume.find_disk(xml, 'vda')
    assert "protocol=\"iscsi\"" in root and '<boot order="1"' in root
    assert "type='file' device='disk'" not in xml and 'type="file" device="disk"' not in xml

    first_run = libvirt.open(harness.uri).lookupByName(instance['name']).ID()
    driver.reboot(None, instance, [], 'HARD')
    # A new QEMU process (the console file starts again) boots from the LUN again.
    assert libvirt.open(harness.uri).lookupByName(instance['name']).ID() != first_run
    assert '<boot order="1"' in libvirt_volume.find_disk(_domain_xml(harness, instance), 'vda')
    wait_console(driver, instance, '(?s)SYSLINUX.*NOVALITE-GUEST ready')


def test_a_volume_grown_while_attached_grows_the_disk_the_guest_has(driver, guest_images,
                                                                    volumes, harness):
    info = volumes()
    instance, _ = spawn(driver, guest_images['kernel'], with_network=False)
    wait_console(driver, instance, 'NOVALITE-GUEST ready')
    driver.attach_volume(None, info, instance, '/dev/vdb')
    wait_console(driver, instance, 'disk vdb wrote=', timeout=GUEST_SEES_DISK_TIMEOUT)
    volume_id = info['data']['volume_id']
    volume = volumes.volumes[volume_id]
    # What novalite-volume does on os-extend: grow the file, re-read the LUN.
    volumes.driver.extend_volume(volume, 2)
    info['serial'] = volume_id
    driver.extend_volume(None, info, instance, 2 * 1024 ** 3)
    domain = libvirt.open(harness.uri).lookupByName(instance['name'])
    assert domain.blockInfo('vdb')[0] == 2 * 1024 ** 3
    # The LUN was re-created under QEMU's session: what was written is still
    # there when the guest reads the disk again (the guest names it anew).
    driver.detach_volume(None, info, instance, '/dev/vdb')
    wait_console(driver, instance, 'disk vdb gone')
    driver.attach_volume(None, info, instance, '/dev/vdc')
    wait_console(driver, instance, 'disk vd. has=NOVALITE-VOLUME',
                 timeout=GUEST_SEES_DISK_TIMEOUT)


def test_hard_reboot_and_power_cycle_keep_the_volume(driver, guest_images, volumes, harness):
    info = volumes()
    instance, network_info = spawn(driver, guest_images['kernel'], with_network=False)
    wait_console(driver, instance, 'NOVALITE-GUEST ready')
    driver.attach_volume(None, info, instance, '/dev/vdb')
    wait_console(driver, instance, 'disk vdb wrote=', timeout=GUEST_SEES_DISK_TIMEOUT)

    driver.reboot(None, instance, network_info, 'HARD')
    assert libvirt_volume.find_disk(_domain_xml(harness, instance), 'vdb') is not None
    driver.power_off(None, instance, network_info)
    # Started from a definition made anew from the block device mappings.
    driver.power_on(None, instance, network_info, block_device_info={'block_device_mapping': [
        {'connection_info': info, 'mount_device': '/dev/vdb', 'boot_index': None,
         'volume_id': info['data']['volume_id']}]})
    assert libvirt_volume.find_disk(
        _domain_xml(harness, instance, libvirt.VIR_DOMAIN_XML_INACTIVE), 'vdb') is not None
    wait_console(driver, instance, 'disk vdb has=NOVALITE-VOLUME',
                 timeout=GUEST_SEES_DISK_TIMEOUT)


def test_wrong_chap_password_fails_clearly_and_leaves_nothing_attached(
        driver, guest_images, volumes, harness):
    info = volumes()
    info['data']['auth_password'] = 'not-the-password'
    instance, _ = spawn(driver, guest_images['kernel'], with_network=False)
    with pytest.raises(exception.VolumeAttachFailed) as caught:
        driver.attach_volume(None, info, instance, '/dev/vdb')
    assert 'Authentication failure' in caught.value.format_message() or \
        'login' in caught.value.format_message().lower()
    assert libvirt_volume.find_disk(_domain_xml(harness, instance), 'vdb') is None
    assert libvirt_volume.find_disk(
        _domain_xml(harness, instance, libvirt.VIR_DOMAIN_XML_INACTIVE), 'vdb') is None
    conn = libvirt.open(harness.uri)
    with pytest.raises(libvirt.libvirtError):
        conn.secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_ISCSI,
                                 libvirt_volume.secret_usage(info['data']['volume_id']))
