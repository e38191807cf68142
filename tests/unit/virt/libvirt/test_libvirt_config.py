"""Domain XML generated for a guest."""

import xml.etree.ElementTree as ET

from novalite.virt.libvirt import config
from tests.unit.virt.libvirt.samples import make_instance, make_vif

ROOT = config.Disk('/i/disk', 'qcow2', 'vda', 'virtio', 'disk', False)
CDROM = config.Disk('/i/disk.config', 'raw', 'hdd', 'ide', 'cdrom', True)


def build(virt_type='qemu', disks=(ROOT,), network_info=(), boot=None, **overrides):
    instance = make_instance(**overrides)
    xml = config.domain_xml(instance, virt_type, list(disks), list(network_info),
                            '/i/console.log', boot)
    return instance, ET.fromstring(xml)


def test_domain_type_follows_virt_type():
    assert build('qemu')[1].get('type') == 'qemu'
    assert build('kvm')[1].get('type') == 'kvm'


def test_host_model_cpu_only_with_kvm():
    assert build('qemu')[1].find('cpu') is None
    assert build('kvm')[1].find('cpu').get('mode') == 'host-model'


def test_name_uuid_memory_and_vcpus_come_from_the_instance():
    instance, dom = build(memory_mb=256, vcpus=2)
    assert dom.findtext('name') == instance['name']
    assert dom.findtext('uuid') == instance['uuid']
    assert dom.find('memory').text == str(256 * 1024)
    assert dom.find('memory').get('unit') == 'KiB'
    assert dom.findtext('vcpu') == '2'


def test_machine_pc_with_acpi_for_hotplug_and_clean_shutdown():
    dom = build()[1]
    assert dom.find('os/type').get('machine') == 'pc'
    assert dom.find('features/acpi') is not None


def test_serial_console_goes_to_the_console_log_file():
    serial = build()[1].find('devices/serial')
    assert serial.get('type') == 'file'
    assert serial.find('source').get('path') == '/i/console.log'


def test_disks_are_virtio_and_config_drive_is_readonly_ide_cdrom():
    disks = build(disks=(ROOT, CDROM))[1].findall('devices/disk')
    root, cdrom = disks
    assert root.find('target').attrib == {'dev': 'vda', 'bus': 'virtio'}
    assert root.find('driver').get('type') == 'qcow2'
    assert root.find('source').get('file') == '/i/disk'
    assert root.find('readonly') is None
    assert cdrom.get('device') == 'cdrom'
    assert cdrom.find('target').attrib == {'dev': 'hdd', 'bus': 'ide'}
    assert cdrom.find('readonly') is not None


def test_interface_is_bridged_with_tap_name_mac_and_mtu():
    vif = make_vif()
    iface = build(network_info=[vif])[1].find('devices/interface')
    assert iface.get('type') == 'bridge'
    assert iface.find('source').get('bridge') == 'br100'
    assert iface.find('target').get('dev') == vif['devname']
    assert iface.find('mac').get('address') == vif['address']
    assert iface.find('model').get('type') == 'virtio'
    assert iface.find('mtu').get('size') == '1400'


def test_direct_kernel_boot_sets_kernel_initrd_and_cmdline():
    boot = config.Boot('/i/kernel', '/i/ramdisk', 'console=ttyS0')
    os_el = build(boot=boot)[1].find('os')
    assert os_el.findtext('kernel') == '/i/kernel'
    assert os_el.findtext('initrd') == '/i/ramdisk'
    assert os_el.findtext('cmdline') == 'console=ttyS0'
    assert os_el.find('boot') is None


def test_disk_boot_without_kernel():
    os_el = build()[1].find('os')
    assert os_el.find('kernel') is None
    assert os_el.find('boot').get('dev') == 'hd'


def test_metadata_names_the_server_and_its_owner():
    dom = build(display_name='web 1')[1]
    ns = {'n': config.METADATA_NS}
    assert dom.findtext('metadata/n:instance/n:name', namespaces=ns) == 'web 1'
    assert dom.find('metadata/n:instance/n:owner', namespaces=ns).get('project') == 'p1'


def test_a_guest_booted_from_a_volume_boots_that_disk_and_has_no_os_boot():
    from novalite.virt.libvirt import volume
    data = {'target_portal': '127.0.0.1:3260', 'target_iqn': 'iqn.x:v1', 'volume_id': 'v1'}
    xml = config.domain_xml(make_instance(), 'qemu', [CDROM], [], '/i/console.log',
                            volume_disks=[volume.network_disk_xml(data, 'vda', boot_order=1)])
    domain = ET.fromstring(xml)
    assert domain.find('os/boot') is None
    [disk] = [d for d in domain.iter('disk') if d.get('type') == 'network']
    assert disk.find('boot').get('order') == '1'
    assert disk.find('target').get('dev') == 'vda'
