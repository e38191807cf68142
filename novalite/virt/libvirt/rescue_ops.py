"""Rescue on libvirt, mixed into the driver (the disk layouts are :mod:`rescue`'s)."""

import os

from oslo_log import log as logging

from novalite.virt.libvirt import configdrive, guest, rescue, volume

LOG = logging.getLogger(__name__)


class RescueMixin:
    """Needs the driver's ``_guest``, ``_layout``, ``_domain_xml`` and ``_start``."""

    def rescue(self, context, instance, network_info, image_meta, rescue_password):
        """Boot the rescue image with the server's disks attached (the original
        definition kept for :meth:`unrescue`).

        :raises InstanceNotRescuable: the rescue image asks for an unsupported device.
        :raises UnsupportedRescueImage: the image is not a disk.
        """
        properties = dict(image_meta.get('properties') or {})
        stable = rescue.is_stable(properties)
        device, bus = rescue.check_image(instance['uuid'], properties)
        current = self._guest(instance)
        path = self._instance_dir(instance)
        rescue.save_original(path, self._host.lookup(instance['name']))
        disk, boot = rescue.create_disk(self.image_cache, path, instance, image_meta)
        config_drive = None
        if configdrive.required(instance, self.conf):
            config_drive = os.path.join(path, rescue.CONFIG_DRIVE)
            configdrive.build(config_drive, instance, network_info or [], (), rescue_password)
        volume_disks = ()
        if stable:
            volume_disks = volume.volume_disks(rescue.original_xml(path))
            own, own_boot = self._layout(instance)
            disks, volume_disks = rescue.stable_disks(own, volume_disks, disk, config_drive,
                                                      device, bus)
            boot = boot or own_boot
        else:
            disks = rescue.legacy_disks(path, disk, config_drive)
        xml = self._domain_xml(instance, network_info, volume_disks=volume_disks,
                               layout=(disks, boot))
        current.destroy()
        self._start(instance, network_info, xml=xml)
        LOG.info("Instance %s rescued (%s)", instance['uuid'], 'stable' if stable else 'legacy')

    def unrescue(self, context, instance, network_info):
        """Boot the definition the rescue replaced and remove the rescue files.

        Idempotent: without a saved definition (no rescue, or one already
        undone) the guest is only started if it is not running.
        """
        path = self._instance_dir(instance)
        xml = rescue.original_xml(path)
        if xml is None:
            current = self._guest(instance)
            if not current.is_active():
                self._start(instance, network_info)
        else:
            domain = self._host.lookup(instance['name'])
            if domain is not None:
                guest.Guest(domain).destroy()
            self._start(instance, network_info, xml=xml)
        rescue.remove_files(path)
