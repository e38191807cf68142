"""Volumes that follow a live migration on libvirt, mixed into the driver.

The volume does not move: both hosts reach the same target. The
destination connects its own attachment before the guest arrives (the CHAP
secret defined in its libvirtd, or os-brick's host login) and answers the
``<disk>`` its guest must use; the source rewrites each volume disk of the
domain XML it sends (found by serial) to that disk's ``<source>`` and
``<auth>``, keeping everything else (target, address, alias) the guest's
ABI depends on. Block migration never copies these disks: only file disks
are in ``migrate_disks`` (:func:`migration.copied_disks`).
"""

import re
import xml.etree.ElementTree as ET

from novalite.virt.libvirt import volume

# Disks do not nest: each match is one whole <disk> element.
_DISK = re.compile(r'<disk\b.*?</disk>', re.DOTALL)
_RETARGETED = ('source', 'auth')


def retarget_volume_disks(domain_xml, disks):
    """The domain XML with each volume disk pointed where ``disks`` says.

    :param disks: ``{volume_id: '<disk>...'}``, the destination's disks.
    Disks of other volumes, and the rest of the XML, are left as they are.
    """
    if not disks:
        return domain_xml

    def rewrite(match):
        disk = ET.fromstring(match.group(0))
        wanted = disks.get(disk.findtext('serial'))
        if wanted is None:
            return match.group(0)
        new = ET.fromstring(wanted)
        disk.set('type', new.get('type'))
        for tag in _RETARGETED:
            for old in disk.findall(tag):
                disk.remove(old)
        # <source> and <auth> go first: libvirt does not mind the order, readers do.
        for index, tag in enumerate(t for t in _RETARGETED if new.find(t) is not None):
            disk.insert(1 + index, new.find(tag))
        return ET.tostring(disk, encoding='unicode')
    return _DISK.sub(rewrite, domain_xml)


class VolumeMovesMixin:
    """Needs ``_volume_connector`` (:class:`volume_ops.VolumesMixin`)."""

    def connect_volume(self, connection_info, mountpoint):
        """Destination: reach the volume from this host before the guest arrives.

        :returns: the ``<disk>`` XML the guest uses here.
        :raises VolumeAttachFailed: not an iSCSI volume.
        """
        return self._volume_connector.connect(connection_info, volume.target_dev(mountpoint))

    def disconnect_volume(self, connection_info):
        """Forget this host's connection to the volume (its CHAP secret); gone is fine."""
        self._volume_connector.disconnect(connection_info)

    @staticmethod
    def _retarget_volumes(domain_xml, migrate_data):
        return retarget_volume_disks(domain_xml, {
            moved['volume_id']: moved['disk_xml']
            for moved in (migrate_data or {}).get('volumes') or () if moved.get('disk_xml')})
