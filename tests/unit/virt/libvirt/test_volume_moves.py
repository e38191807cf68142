"""The domain XML a live migration sends: volume disks pointed at the destination's
connection, everything else (and every other disk) as the source had it."""

import xml.etree.ElementTree as ET

from novalite.virt.libvirt import migration, volume, volume_moves

SOURCE_DATA = {'target_portal': '10.0.0.1:3260', 'target_iqn': 'iqn.x:volume-v1',
               'target_lun': 1, 'auth_method': 'CHAP', 'auth_username': 'old-user',
               'auth_password': 'p', 'volume_id': 'v1'}
DEST_DATA = dict(SOURCE_DATA, target_portal='10.0.0.9:3261', auth_username='new-user')
ADDRESS = "<address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/>"


def _domain():
    disk = volume.network_disk_xml(SOURCE_DATA, 'vdb').replace(
        '</disk>', f"<alias name='virtio-disk1'/>{ADDRESS}</disk>")
    return (f"<domain><name>instance-u1</name><devices>"
            f"<disk type='file' device='disk'><source file='/i/u1/disk'/>"
            f"<target dev='vda'/></disk>{disk}</devices></domain>")


def _volume_disk(xml):
    return next(d for d in ET.fromstring(xml).iter('disk') if d.findtext('serial') == 'v1')


def test_a_volume_disk_takes_the_destinations_source_and_auth_and_keeps_its_address():
    moved = volume_moves.retarget_volume_disks(
        _domain(), {'v1': volume.network_disk_xml(DEST_DATA, 'vdb')})
    disk = _volume_disk(moved)
    assert disk.find('source/host').attrib == {'name': '10.0.0.9', 'port': '3261'}
    assert disk.find('auth').get('username') == 'new-user'
    assert len(disk.findall('source')) == len(disk.findall('auth')) == 1
    assert disk.find('address').get('slot') == '0x07'
    assert disk.find('alias').get('name') == 'virtio-disk1'
    assert disk.find('target').get('dev') == 'vdb'


def test_the_root_disk_and_other_volumes_are_left_as_they_are():
    moved = volume_moves.retarget_volume_disks(
        _domain(), {'v2': volume.network_disk_xml(dict(DEST_DATA, volume_id='v2'), 'vdc')})
    assert moved == _domain()
    assert volume_moves.retarget_volume_disks(_domain(), {}) == _domain()


def test_a_volume_disk_is_never_block_copied():
    assert migration.copied_disks(_domain()) == ['vda']


def test_the_disks_come_from_what_the_destination_answered_in_migrate_data():
    migrate_data = {'volumes': [{'volume_id': 'v1',
                                 'disk_xml': volume.network_disk_xml(DEST_DATA, 'vdb')},
                                {'volume_id': 'v3', 'disk_xml': None}]}
    moved = volume_moves.VolumeMovesMixin._retarget_volumes(_domain(), migrate_data)
    assert _volume_disk(moved).find('source/host').get('name') == '10.0.0.9'
    assert volume_moves.VolumeMovesMixin._retarget_volumes(_domain(), {}) == _domain()
