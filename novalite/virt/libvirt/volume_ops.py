"""Volumes on libvirt, mixed into the driver: attach, detach, extend and the connector.

The connector (:mod:`volume`: QEMU's own iSCSI initiator, or os-brick's
host-side one) turns connection_info into a ``<disk>``; this module plugs
it into the domain live and in its definition, and takes it out again.
"""

import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging

from novalite import exception
from novalite.virt.libvirt import volume

LOG = logging.getLogger(__name__)


class VolumesMixin:
    """Needs ``self.conf`` and ``self._host`` (:class:`host.Host`)."""

    @property
    def _volume_connector(self):
        return volume.load_connector(self.conf.libvirt.volume_connector,
                                     self._host.get_connection)

    def get_volume_connector(self, instance):
        """What the volume API is told about this host (os-brick's keys)."""
        if self.conf.libvirt.volume_connector == 'os-brick':
            return volume.host_connector_properties()
        return {'host': self.conf.host, 'ip': self.conf.my_ip, 'platform': 'x86_64',
                'os_type': 'linux', 'multipath': False,
                'initiator': f'iqn.2026-12.org.novalite:{self.conf.host}'}

    def attach_volume(self, context, connection_info, instance, mountpoint):
        """Hot-plug the volume (and keep it in the definition); a stopped guest gets it defined.

        :raises VolumeAttachFailed: QEMU could not reach or log in to the target;
            nothing is left attached.
        """
        domain = self._host.lookup(instance['name'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        connector = self._volume_connector
        xml = connector.connect(connection_info, volume.target_dev(mountpoint))
        flags = libvirt.VIR_DOMAIN_AFFECT_CONFIG
        if domain.isActive():
            flags |= libvirt.VIR_DOMAIN_AFFECT_LIVE
        try:
            domain.attachDeviceFlags(xml, flags)
        except libvirt.libvirtError as exc:
            connector.disconnect(connection_info)
            raise exception.VolumeAttachFailed(
                volume_id=connection_info['data'].get('volume_id'),
                instance_uuid=instance['uuid'], reason=exc.get_error_message()) from exc
        LOG.info("Volume %s attached to %s at %s", connection_info['data'].get('volume_id'),
                 instance['uuid'], mountpoint)

    def detach_volume(self, context, connection_info, instance, mountpoint):
        """Unplug the disk at ``mountpoint`` live and from the definition; gone is fine."""
        domain = self._host.lookup(instance['name'])
        dev = volume.target_dev(mountpoint)
        if domain is not None:
            self._detach_disk(domain, dev)
        self._volume_connector.disconnect(connection_info)

    def volume_ids(self, instance):
        domain = self._host.lookup(instance['name'])
        if domain is None:
            return None
        return {ET.fromstring(disk).findtext('serial') for disk in
                volume.volume_disks(domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))}

    def extend_volume(self, context, connection_info, instance, requested_size):
        """``blockResize`` the running guest's disk of the volume (found by its serial).

        QEMU re-reads the LUN's capacity and tells the guest (virtio's
        config change); a stopped guest sees the size when it starts.

        :raises InstanceNotFound: no domain. :raises VolumeDeviceNotFound:
            the volume is not among the guest's disks.
        """
        domain = self._host.lookup(instance['name'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        if not domain.isActive():
            return
        volume_id = connection_info.get('serial') or connection_info['data'].get('volume_id')
        dev = volume.dev_of_serial(domain.XMLDesc(0), volume_id)
        if dev is None:
            raise exception.VolumeDeviceNotFound(volume_id=volume_id,
                                                 instance_uuid=instance['uuid'])
        domain.blockResize(dev, requested_size, libvirt.VIR_DOMAIN_BLOCK_RESIZE_BYTES)

    def _detach_disk(self, domain, dev):
        flags = 0
        if volume.find_disk(domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), dev):
            flags |= libvirt.VIR_DOMAIN_AFFECT_CONFIG
        live = domain.isActive() and volume.find_disk(domain.XMLDesc(0), dev)
        if live:
            flags |= libvirt.VIR_DOMAIN_AFFECT_LIVE
        if not flags:
            return
        domain.detachDeviceFlags(live or volume.find_disk(
            domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), dev), flags)
        # The guest releases a hot-unplugged disk in its own time.
        if live and not volume.wait_until(lambda: not volume.find_disk(domain.XMLDesc(0), dev),
                                          self.conf.libvirt.volume_detach_timeout):
            raise exception.NovaliteException(
                f"The guest did not release disk {dev} within "
                f"{self.conf.libvirt.volume_detach_timeout} s")

    def _connect_volumes(self, volumes):
        """The ``<disk>`` XML of each volume a new guest starts with (CHAP secrets defined)."""
        connector = self._volume_connector
        return [connector.connect(bdm['connection_info'], volume.target_dev(bdm['mount_device']),
                                  boot_order=1 if bdm.get('boot_index') == 0 else None)
                for bdm in volumes]

    def _disconnect_volumes(self, volumes):
        for bdm in volumes:
            try:
                self._volume_connector.disconnect(bdm['connection_info'])
            except Exception:
                LOG.exception("Could not disconnect volume %s", bdm.get('volume_id'))
