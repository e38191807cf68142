"""Rescue layouts and the guest agent's channel, on libvirt's test:///default hypervisor."""

import os
import xml.etree.ElementTree as ET

import pytest

libvirt = pytest.importorskip('libvirt', reason='libvirt-python is the [libvirt] extra')

from novalite import exception  # noqa: E402
from novalite.virt.libvirt import agent, config, rescue  # noqa: E402
from novalite.virt.libvirt import driver as libvirt_driver  # noqa: E402
from tests.unit.virt.libvirt.samples import make_disk, make_instance  # noqa: E402


@pytest.fixture
def drv(lv_conf, images):
    drv = libvirt_driver.LibvirtDriver(conf=lv_conf, image_service=images)
    drv.init_host('host1')
    drv.created = []
    yield drv
    for instance in drv.created:
        drv.destroy(None, instance, [])
    drv.cleanup_host('host1')


def _spawn(drv, image, **overrides):
    instance = make_instance(image_ref=image['id'], **overrides)
    drv.created.append(instance)
    drv.spawn(None, instance, image, [], None, [])
    return instance


def _disks(instance):
    domain = libvirt.open('test:///default').lookupByName(instance['name'])
    tree = ET.fromstring(domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
    return [(disk.find('target').get('dev'), os.path.basename(disk.find('source').get('file')),
             None if disk.find('boot') is None else disk.find('boot').get('order'))
            for disk in tree.iter('disk')], tree


@pytest.fixture
def rescue_image(images, tmp_path):
    return images.create('rescue', make_disk(tmp_path / 'rescue.raw'), disk_format='raw')


def test_legacy_rescue_boots_the_rescue_disk_with_the_root_disk_second(drv, raw_image,
                                                                      rescue_image, lv_conf):
    instance = _spawn(drv, raw_image)
    drv.rescue(None, instance, [], rescue_image, 'pw')
    disks, tree = _disks(instance)
    assert disks == [('vda', 'disk.rescue', None), ('vdb', 'disk', None),
                     ('hdd', 'disk.config.rescue', None)]
    assert tree.find('os/boot').get('dev') == 'hd'
    path = os.path.join(lv_conf.instances_path, instance['uuid'])
    assert os.path.exists(os.path.join(path, 'unrescue.xml'))


def test_stable_rescue_keeps_every_address_and_adds_the_rescue_disk_to_boot_first(
        drv, raw_image, images, tmp_path):
    stable = images.create('stable', make_disk(tmp_path / 's.raw'), disk_format='raw',
                           properties={'hw_rescue_device': 'disk', 'hw_rescue_bus': 'virtio'})
    instance = _spawn(drv, raw_image, ephemeral_gb=1)
    drv.rescue(None, instance, [], stable, 'pw')
    disks, tree = _disks(instance)
    assert sorted(disks) == [('hdd', 'disk.config.rescue', None), ('vda', 'disk', None),
                             ('vdb', 'disk.eph0', None), ('vdc', 'disk.rescue', '1')]
    # libvirt refuses <os><boot> beside a device's boot order.
    assert tree.find('os/boot') is None


def test_unrescue_defines_the_original_again_and_removes_the_rescue_files(
        drv, raw_image, rescue_image, lv_conf):
    instance = _spawn(drv, raw_image)
    before, _ = _disks(instance)
    drv.rescue(None, instance, [], rescue_image, 'pw')
    drv.unrescue(None, instance, [])
    assert _disks(instance)[0] == before
    path = os.path.join(lv_conf.instances_path, instance['uuid'])
    assert [name for name in os.listdir(path) if 'rescue' in name] == []


def test_a_second_rescue_keeps_the_first_original(drv, raw_image, rescue_image, lv_conf):
    instance = _spawn(drv, raw_image)
    before, _ = _disks(instance)
    drv.rescue(None, instance, [], rescue_image, 'pw')
    drv.rescue(None, instance, [], rescue_image, 'pw')
    drv.unrescue(None, instance, [])
    assert _disks(instance)[0] == before


def test_unsupported_rescue_device_is_refused_before_anything_changes(drv, raw_image, images,
                                                                     tmp_path):
    floppy = images.create('floppy', make_disk(tmp_path / 'f.raw'), disk_format='raw',
                           properties={'hw_rescue_device': 'floppy'})
    instance = _spawn(drv, raw_image)
    before, _ = _disks(instance)
    with pytest.raises(exception.InstanceNotRescuable):
        drv.rescue(None, instance, [], floppy, 'pw')
    assert _disks(instance)[0] == before


def test_the_agent_channel_comes_with_the_image_property(drv, images, tmp_path):
    with_agent = images.create('ga', make_disk(tmp_path / 'ga.raw'), disk_format='raw',
                               properties={'hw_qemu_guest_agent': 'yes'})
    _, tree = _disks(_spawn(drv, with_agent))
    [channel] = tree.iter('channel')
    assert channel.find('target').attrib == {'type': 'virtio', 'name': 'org.qemu.guest_agent.0'}


def test_no_agent_channel_without_the_property(drv, raw_image):
    _, tree = _disks(_spawn(drv, raw_image))
    assert list(tree.iter('channel')) == []


def test_a_password_change_without_the_agent_is_refused(drv, raw_image):
    instance = _spawn(drv, raw_image)
    with pytest.raises(exception.QemuGuestAgentNotEnabled):
        drv.set_admin_password(instance, 'pw')


@pytest.mark.parametrize('code, error', [
    (libvirt.VIR_ERR_AGENT_UNRESPONSIVE, exception.PasswordSetNotImplemented),
    (libvirt.VIR_ERR_INTERNAL_ERROR, exception.InstancePasswordSetFailed),
])
def test_agent_errors_become_nova_errors_without_the_guests_words(code, error):
    class Domain:
        def setUserPassword(self, user, password, flags):
            exc = libvirt.libvirtError('chpasswd said s3cret')
            exc.err = (code, 0, 'chpasswd said s3cret', 0, '', None, None, 0, 0)
            raise exc

    with pytest.raises(error) as raised:
        agent.set_user_password(Domain(), 'root', 's3cret', 'uuid-1')
    assert 's3cret' not in raised.value.format_message()


@pytest.mark.parametrize('properties, user', [({}, 'root'), ({'os_admin_user': 'ubuntu'},
                                                              'ubuntu')])
def test_the_admin_user_is_the_images_or_root(properties, user):
    assert agent.admin_user(properties) == user


def test_stable_disks_take_the_next_free_target_on_the_asked_bus(tmp_path):
    root = tmp_path / 'disk'
    root.write_bytes(b'')
    own = [config.Disk(str(root), 'qcow2', 'vda', 'virtio', 'disk', False)]
    volume = "<disk type='network'><target dev='vdb' bus='virtio'/><serial>v</serial></disk>"
    disks, _ = rescue.stable_disks(own, [volume], '/i/disk.rescue', None, 'disk', 'virtio')
    assert disks[-1] == config.Disk('/i/disk.rescue', 'qcow2', 'vdc', 'virtio', 'disk', False,
                                    boot_order=1)
    disks, _ = rescue.stable_disks(own, [], '/i/disk.rescue', None, 'cdrom', 'ide')
    assert disks[-1].target == 'hda' and disks[-1].readonly


def test_a_volume_backed_servers_rescue_boots_the_rescue_disk_not_its_boot_volume(tmp_path):
    # No local root disk; the boot volume loses its boot order to the rescue disk.
    own = [config.Disk(str(tmp_path / 'disk'), 'qcow2', 'vda', 'virtio', 'disk', False)]
    boot_volume = ("<disk type='network'><target dev='vda' bus='virtio'/><serial>v</serial>"
                   "<boot order='1'/></disk>")
    disks, volumes = rescue.stable_disks(own, [boot_volume], '/i/disk.rescue', None, 'disk',
                                         'virtio')
    assert [(d.target, d.boot_order) for d in disks] == [('vdb', 1)]
    assert '<boot' not in volumes[0] and "dev=\"vda\"" in volumes[0]
