"""Cold migration and resize on libvirt, mixed into the driver.

The source powers the guest off and keeps it defined (for a revert); the
destination pulls its files (:mod:`transfer`), re-points the root disk to
its own copy of the base, grows it to the new flavor and starts the guest.
A resize to the same host (``allow_resize_to_same_host``) sets the old files
aside with their definition instead, as Nova does.
"""

import os
import shutil
import xml.etree.ElementTree as ET

import libvirt

from novalite import exception
from novalite.virt import power_state
from novalite.virt.libvirt import (
    configdrive,
    guest,
    imagebackend,
    migration,
    qemuimg,
    transfer,
    volume_moves,
)

_COPIED = (imagebackend.ROOT, imagebackend.EPHEMERAL, imagebackend.SWAP, imagebackend.KERNEL,
           imagebackend.RAMDISK, imagebackend.CMDLINE, configdrive.FILE_NAME)
# Where a resize to the same host sets the old files aside, and the definition they
# belong to.
ASIDE_SUFFIX = '_resize'
_ASIDE_XML = 'domain.xml'


class ColdMovesMixin:
    """The cold migration and resize methods of :class:`driver.LibvirtDriver` (it
    provides ``_host``, ``conf``, ``image_cache`` and the layout and power helpers)."""

    def migrate_disk_and_power_off(self, context, instance, dest_host, flavor, network_info):
        """Source: stop the guest, keep it defined here (for a revert); say where its files are.

        To this same host (``allow_resize_to_same_host``), as Nova does: the
        files move aside to ``<instance dir>_resize`` with the definition
        they belong to, and the new guest is made from copies of them.
        """
        self.power_off(context, instance, network_info)
        path = self._instance_dir(instance)
        names = [name for name in _COPIED if os.path.exists(os.path.join(path, name))]
        if dest_host == self.conf.host:
            domain = self._host.lookup(instance['name'])
            xml = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE) if domain else None
            path = _set_aside(path, xml)
        return {'source_addr': migration.inbound_addr(self.conf), 'source_dir': path,
                'files': names}

    def finish_migration(self, context, migration_record, instance, disk_info, network_info,
                         power_on=True, volume_disks=()):
        """Destination: pull the files, root disk over the local base, grown to the
        new flavor; define the guest, with the volumes connected here
        (``volume_disks``), and start it unless it was stopped."""
        path = self._instance_dir(instance)
        try:
            if disk_info['source_dir'] == _aside(path):
                transfer.copy_local(disk_info['source_dir'], disk_info['files'], path)
            else:
                transfer.fetch(self.conf, self._peer_uri(disk_info['source_addr']),
                               disk_info['source_addr'], disk_info['source_dir'],
                               disk_info['files'], path)
            root = os.path.join(path, imagebackend.ROOT)
            if os.path.exists(root) and instance.get('image_ref'):
                base, image_info = self.image_cache.fetch(instance['image_ref'],
                                                          self._image_meta(instance))
                qemuimg.rebase_unsafe(root, base, image_info['format'])
            if int(instance.get('root_gb') or 0):
                qemuimg.grow(root, int(instance['root_gb']) * imagebackend.GiB)
            self._define(instance, network_info, power_on, volume_disks)
        except Exception:
            self._cleanup(instance, network_info)
            raise

    def _define(self, instance, network_info, power_on, volume_disks):
        if power_on:
            self._start(instance, network_info, volume_disks=volume_disks)
            return
        self._plug_vifs(network_info)
        guest.Guest.define(self._host.get_connection(),
                           self._domain_xml(instance, network_info, volume_disks=volume_disks))

    def confirm_migration(self, context, migration_record, instance, network_info):
        """Source: the move is confirmed; the stopped guest and its files go.

        On a resize to the same host the guest here is the new one: only the
        files set aside go.
        """
        aside = _aside(self._instance_dir(instance))
        if os.path.isdir(aside):
            shutil.rmtree(aside)
        else:
            self._cleanup(instance, network_info)

    def finish_revert_migration(self, context, instance, network_info, power_on=True,
                                volume_disks=()):
        """Source: the guest never left its definition here; start it again, its
        volume disks pointed at the connections made here again (``volume_disks``).

        After a resize to the same host, the files set aside and their
        definition come back in place of the new guest's.
        """
        aside = _aside(self._instance_dir(instance))
        if os.path.isdir(aside):
            self._restore_aside(instance, network_info, aside)
        domain = self._host.lookup(instance['name'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        if volume_disks:
            domain = self._retarget_kept(domain, volume_disks)
        self._plug_vifs(network_info)
        if power_on and not domain.isActive():
            current = guest.Guest(domain)
            current.launch()
            if not current.wait_for({power_state.RUNNING}, self.conf.libvirt.spawn_timeout):
                raise exception.InstanceDeployFailure(
                    reason=f"guest {instance['uuid']} not running after revert")

    def _retarget_kept(self, domain, volume_disks):
        # The kept definition names the volumes as this host reached them
        # before the move; the connections are new (os-brick's device path
        # may differ), so each disk takes its new <source> and <auth>.
        xml = volume_moves.retarget_volume_disks(
            domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE),
            {ET.fromstring(disk).findtext('serial'): disk for disk in volume_disks})
        return self._host.get_connection().defineXML(xml)

    def _restore_aside(self, instance, network_info, aside):
        self._cleanup(instance, network_info)
        path = self._instance_dir(instance)
        os.rename(aside, path)
        with open(os.path.join(path, _ASIDE_XML)) as f:
            guest.Guest.define(self._host.get_connection(), f.read())
        os.remove(os.path.join(path, _ASIDE_XML))


def _aside(path):
    return path + ASIDE_SUFFIX


def _set_aside(path, xml):
    """Move ``path`` to ``<path>_resize`` with the domain definition ``xml``; the new path."""
    aside = _aside(path)
    if xml is not None:
        with open(os.path.join(path, _ASIDE_XML), 'w') as f:
            f.write(xml)
    shutil.rmtree(aside, ignore_errors=True)
    os.rename(path, aside)
    return aside
