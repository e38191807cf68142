"""Volume disks of libvirt guests: network disk XML, and the os-brick host connector.

The host connector cannot run on our machines (no iSCSI in the kernel), so
it is checked here, against a stand-in for os-brick's connector.
"""

import xml.etree.ElementTree as ET

from novalite.virt.libvirt import volume

DATA = {'target_portal': '127.0.0.1:3260', 'target_iqn': 'iqn.2010-10.org.novalite:volume-v1',
        'target_lun': 1, 'auth_method': 'CHAP', 'auth_username': 'vol-v1',
        'auth_password': 'secret', 'volume_id': 'v1'}


def test_network_disk_names_target_lun_host_and_chap_secret():
    disk = ET.fromstring(volume.network_disk_xml(DATA, 'vdb'))
    source = disk.find('source')
    assert (disk.get('type'), source.get('protocol'), source.get('name')) == (
        'network', 'iscsi', 'iqn.2010-10.org.novalite:volume-v1/1')
    assert source.find('host').attrib == {'name': '127.0.0.1', 'port': '3260'}
    assert disk.find('auth').get('username') == 'vol-v1'
    assert disk.find('auth/secret').attrib == {'type': 'iscsi', 'usage': 'novalite-volume-v1'}
    assert disk.find('target').attrib == {'dev': 'vdb', 'bus': 'virtio'}
    assert disk.find('serial').text == 'v1'


def test_password_never_appears_in_the_disk_xml():
    assert 'secret' not in volume.network_disk_xml(DATA, 'vdb').replace('<secret ', '')


class FakeBrick:
    def __init__(self):
        self.calls = []

    def connect_volume(self, data):
        self.calls.append(('connect', data['target_iqn']))
        return {'path': '/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-x-lun-1'}

    def disconnect_volume(self, data, device_info):
        self.calls.append(('disconnect', data['target_iqn']))


def test_host_connector_gives_the_guest_the_block_device_os_brick_made():
    brick = FakeBrick()
    connector = volume.HostConnector(lambda protocol: brick)
    xml = connector.connect({'driver_volume_type': 'iscsi', 'data': DATA}, 'vdc')
    disk = ET.fromstring(xml)
    assert disk.get('type') == 'block'
    assert disk.find('source').get('dev') == '/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-x-lun-1'
    connector.disconnect({'driver_volume_type': 'iscsi', 'data': DATA})
    assert brick.calls == [('connect', DATA['target_iqn']), ('disconnect', DATA['target_iqn'])]


def test_os_brick_option_selects_the_host_connector():
    assert isinstance(volume.load_connector('os-brick', None), volume.HostConnector)
    assert isinstance(volume.load_connector('qemu', None), volume.QemuISCSIConnector)


def test_volume_disks_of_a_domain_are_the_ones_with_a_serial():
    domain = (f"<domain><devices><disk type='file'><target dev='vda'/></disk>"
              f"{volume.network_disk_xml(DATA, 'vdb')}</devices></domain>")
    (found,) = volume.volume_disks(domain)
    assert ET.fromstring(found).find('target').get('dev') == 'vdb'
    assert volume.find_disk(domain, 'vdb') == found
