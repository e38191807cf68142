"""Volumes in libvirt guests: iSCSI through QEMU's own initiator, or a host connector.

``[libvirt] volume_connector = qemu`` (the default) hands the target to QEMU:
the disk is a libvirt *network* disk (``protocol='iscsi'``) and CHAP's
password a libvirt secret the disk names by usage, so nothing is logged in
on the host and no kernel iSCSI support is needed. ``os-brick`` logs the host
in with os-brick (open-iscsi) and gives the guest the block device it makes;
it needs the kernel's iSCSI initiator, which our test machines lack, so it
is exercised by unit tests only.
"""

import time
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging

from novalite import concurrency, exception

LOG = logging.getLogger(__name__)

SECRET_USAGE_PREFIX = 'novalite-volume-'


def target_dev(mountpoint):
    """``vdb`` of ``/dev/vdb``."""
    return mountpoint.rpartition('/')[2]


def secret_usage(volume_id):
    return SECRET_USAGE_PREFIX + volume_id


def _sub(parent, tag, **attrib):
    return ET.SubElement(parent, tag, {k: str(v) for k, v in attrib.items() if v is not None})


def _disk(disk_type):
    disk = ET.Element('disk', type=disk_type, device='disk')
    _sub(disk, 'driver', name='qemu', type='raw', cache='none')
    return disk


def _finish(disk, dev, volume_id, boot_order=None):
    _sub(disk, 'target', dev=dev, bus='virtio')
    if volume_id:
        ET.SubElement(disk, 'serial').text = volume_id
    if boot_order is not None:
        # The firmware boots this disk: a server booted from a volume.
        _sub(disk, 'boot', order=boot_order)
    return ET.tostring(disk, encoding='unicode')


def network_disk_xml(data, dev, boot_order=None):
    """The ``<disk type='network'>`` of an iSCSI connection_info's ``data``."""
    host, _sep, port = data['target_portal'].rpartition(':')
    disk = _disk('network')
    source = _sub(disk, 'source', protocol='iscsi',
                  name=f"{data['target_iqn']}/{data.get('target_lun', 0)}")
    _sub(source, 'host', name=host, port=port)
    if data.get('auth_method') == 'CHAP':
        auth = _sub(disk, 'auth', username=data['auth_username'])
        _sub(auth, 'secret', type='iscsi', usage=secret_usage(data['volume_id']))
    return _finish(disk, dev, data.get('volume_id'), boot_order)


def block_disk_xml(path, dev, volume_id, boot_order=None):
    """The ``<disk type='block'>`` of a device a host connector made."""
    disk = _disk('block')
    _sub(disk, 'source', dev=path)
    return _finish(disk, dev, volume_id, boot_order)


class QemuISCSIConnector:
    """QEMU logs in itself; CHAP's password is a libvirt secret."""

    def __init__(self, conn_factory):
        self._conn = conn_factory

    def connect(self, connection_info, dev, boot_order=None):
        """Define the CHAP secret; return the disk XML. :raises VolumeAttachFailed:"""
        data = connection_info['data']
        if connection_info.get('driver_volume_type') != 'iscsi':
            raise exception.VolumeAttachFailed(
                volume_id=data.get('volume_id'), instance_uuid='-',
                reason=f"volume type {connection_info.get('driver_volume_type')} is not "
                       f"supported (iscsi only)")
        if data.get('auth_method') == 'CHAP':
            self._define_secret(data['volume_id'], data['auth_password'])
        return network_disk_xml(data, dev, boot_order)

    def _define_secret(self, volume_id, password):
        usage = secret_usage(volume_id)
        try:
            # Left by a guest destroyed without a detach: libvirt allows one per usage.
            self._conn().secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_ISCSI,
                                             usage).undefine()
        except libvirt.libvirtError:
            pass
        secret = ET.Element('secret', ephemeral='no', private='yes')
        ET.SubElement(secret, 'description').text = f'CHAP of volume {volume_id}'
        ET.SubElement(_sub(secret, 'usage', type='iscsi'), 'target').text = usage
        defined = self._conn().secretDefineXML(ET.tostring(secret, encoding='unicode'))
        defined.setValue(password.encode())

    def disconnect(self, connection_info):
        """Forget the secret; one already gone is fine."""
        volume_id = connection_info['data'].get('volume_id')
        try:
            self._conn().secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_ISCSI,
                                             secret_usage(volume_id)).undefine()
        except libvirt.libvirtError:
            LOG.debug("No libvirt secret for volume %s", volume_id)


class HostConnector:
    """os-brick logs the host in; the guest gets the host's block device.

    :param brick_factory: ``factory(protocol) -> os-brick connector`` (tests
        pass a stand-in; by default os-brick's own factory, imported on use).
    """

    def __init__(self, brick_factory=None):
        self._factory = brick_factory or _os_brick_factory

    def connect(self, connection_info, dev, boot_order=None):
        device = self._factory(connection_info['driver_volume_type']).connect_volume(
            connection_info['data'])
        return block_disk_xml(device['path'], dev, connection_info['data'].get('volume_id'),
                              boot_order)

    def disconnect(self, connection_info):
        self._factory(connection_info['driver_volume_type']).disconnect_volume(
            connection_info['data'], None)


def _os_brick_factory(protocol):
    from os_brick.initiator import connector
    return connector.InitiatorConnector.factory(protocol.upper(), 'sudo')


def host_connector_properties():
    """os-brick's connector properties of this host, for the volume API."""
    from os_brick.initiator import connector
    return connector.get_connector_properties('sudo', None, False, False)


def load_connector(name, conn_factory):
    """The connector ``[libvirt] volume_connector`` names."""
    if name == 'os-brick':
        return HostConnector()
    return QemuISCSIConnector(conn_factory)


def volume_disks(domain_xml):
    """The volume disks (XML strings) in a domain's XML: network or block, with a serial."""
    found = []
    for disk in ET.fromstring(domain_xml).iter('disk'):
        if disk.get('type') in ('network', 'block') and disk.find('serial') is not None:
            found.append(ET.tostring(disk, encoding='unicode'))
    return found


def dev_of_serial(domain_xml, serial):
    """The target dev (``vdb``) of the domain's disk with ``serial``, or None."""
    for disk in ET.fromstring(domain_xml).iter('disk'):
        if disk.findtext('serial') == serial and disk.find('target') is not None:
            return disk.find('target').get('dev')
    return None


def find_disk(domain_xml, dev):
    """The XML of the domain's disk at target ``dev``, or None."""
    for disk in ET.fromstring(domain_xml).iter('disk'):
        target = disk.find('target')
        if target is not None and target.get('dev') == dev:
            return ET.tostring(disk, encoding='unicode')
    return None


def wait_until(predicate, timeout, interval=0.25):
    """Poll ``predicate`` until true (True) or ``timeout`` seconds passed (False)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        concurrency.sleep(interval)
    return True
