"""Rescue: the guest boots a rescue image with its own disks attached.

Two layouts, as Nova's libvirt driver has them:

* **legacy**: the rescue disk first (``vda``), the server's root disk second
  (``vdb``) and the config drive rebuilt with the rescue password; no
  ephemeral, swap or volumes.
* **stable device rescue**, when the rescue image has ``hw_rescue_device``
  or ``hw_rescue_bus``: every device keeps its address (volumes included)
  and the rescue disk is added last, with boot order 1.

The domain's definition before the rescue is kept as ``unrescue.xml`` in
the instance directory (written once, so a retried rescue keeps the real
original); unrescue defines it again and removes the ``*.rescue`` files.
Kernel and ramdisk are the rescue image's (``kernel_id``/``ramdisk_id``
properties), else the server's own, for direct kernel boot.
"""

import glob
import os
import xml.etree.ElementTree as ET

import libvirt

from novalite import exception
from novalite.virt.libvirt import config, configdrive, imagebackend, qemuimg

UNRESCUE_XML = 'unrescue.xml'
DISK = 'disk.rescue'
KERNEL = 'kernel.rescue'
RAMDISK = 'ramdisk.rescue'
CONFIG_DRIVE = 'disk.config.rescue'

# hw_rescue_bus -> the target prefix the guest sees the disk under.
_PREFIXES = {'virtio': 'vd', 'ide': 'hd', 'scsi': 'sd', 'sata': 'sd', 'usb': 'sd'}
_DEVICES = ('disk', 'cdrom')


def is_stable(properties):
    """Whether a rescue image asks for a stable device rescue."""
    return 'hw_rescue_device' in properties or 'hw_rescue_bus' in properties


def check_image(instance_uuid, properties):
    """:raises InstanceNotRescuable: the image asks for a device or bus this driver lacks."""
    device = properties.get('hw_rescue_device', 'disk')
    bus = properties.get('hw_rescue_bus') or ('ide' if device == 'cdrom' else 'virtio')
    if device not in _DEVICES or bus not in _PREFIXES:
        raise exception.InstanceNotRescuable(
            instance_id=instance_uuid,
            reason=f"rescue device {device!r} on bus {bus!r} is not supported")
    return device, bus


def save_original(path, domain):
    """Keep the domain's definition as ``unrescue.xml`` unless a rescue already did."""
    target = os.path.join(path, UNRESCUE_XML)
    if os.path.exists(target):
        return
    xml = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE | libvirt.VIR_DOMAIN_XML_SECURE)
    with open(target + '.tmp', 'w') as f:
        f.write(xml)
    os.replace(target + '.tmp', target)


def original_xml(path):
    """The definition saved before the rescue, or None when there was no rescue."""
    try:
        with open(os.path.join(path, UNRESCUE_XML)) as f:
            return f.read()
    except FileNotFoundError:
        return None


def remove_files(path):
    for name in glob.glob(os.path.join(path, '*.rescue')):
        os.unlink(name)
    try:
        os.unlink(os.path.join(path, UNRESCUE_XML))
    except FileNotFoundError:
        pass


def create_disk(cache, path, instance, image_meta):
    """The rescue disk (an overlay over the rescue image) and its :class:`config.Boot`.

    :raises UnsupportedRescueImage: the image is a kernel or ramdisk, not a disk.
    """
    base, info = cache.fetch(image_meta['id'], image_meta)
    if info is None:
        raise exception.UnsupportedRescueImage(image=image_meta['id'])
    disk = os.path.join(path, DISK)
    if os.path.exists(disk):
        os.unlink(disk)
    qemuimg.create_overlay(disk, base, info['format'], int(info['virtual-size']))
    return disk, _boot(cache, path, instance, dict(image_meta.get('properties') or {}))


def _boot(cache, path, instance, rescue_properties):
    own = imagebackend.image_properties(instance)
    kernel_id, ramdisk_id = imagebackend.kernel_and_ramdisk_ids({}, rescue_properties)
    cmdline = rescue_properties.get('os_command_line')
    if not kernel_id:
        kernel_id, ramdisk_id = imagebackend.kernel_and_ramdisk_ids(instance, own)
        cmdline = _own_cmdline(path, own)
    if not kernel_id:
        return None
    kernel = _copy(cache, kernel_id, os.path.join(path, KERNEL))
    ramdisk = _copy(cache, ramdisk_id, os.path.join(path, RAMDISK)) if ramdisk_id else None
    return config.Boot(kernel, ramdisk, cmdline or imagebackend.DEFAULT_CMDLINE)


def _own_cmdline(path, properties):
    try:
        with open(os.path.join(path, imagebackend.CMDLINE)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return properties.get('os_command_line')


def _copy(cache, image_id, dest):
    base, _info = cache.fetch(image_id)
    with open(base, 'rb') as src, open(dest, 'wb') as dst:
        while chunk := src.read(1024 * 1024):
            dst.write(chunk)
    return dest


def legacy_disks(path, rescue_disk, config_drive):
    """Rescue disk as vda, the server's root disk as vdb, the rebuilt config drive."""
    disks = [config.Disk(rescue_disk, 'qcow2', 'vda', 'virtio', 'disk', False),
             config.Disk(os.path.join(path, imagebackend.ROOT), 'qcow2', 'vdb', 'virtio',
                         'disk', False)]
    if config_drive:
        disks.append(config.Disk(config_drive, 'raw', 'hdd', 'ide', 'cdrom', True))
    return disks


def stable_disks(own_disks, volume_disks, rescue_disk, config_drive, device, bus):
    """The server's disks where they were, and the rescue disk last with boot order 1.

    :param own_disks: the server's :class:`config.Disk` list; a config drive
        among them is replaced by the rebuilt ``config_drive`` at its address,
        and a root disk a volume-backed server does not have is left out.
    :param volume_disks: ``<disk>`` XML of the attached volumes (their targets are taken).
    :returns: ``(disks, volume_disks)``, the volumes without a boot order of
        their own (a boot volume's), as the rescue disk boots first.
    """
    disks = [disk._replace(path=config_drive)
             if config_drive and os.path.basename(disk.path) == configdrive.FILE_NAME
             else disk for disk in own_disks if os.path.exists(disk.path)]
    taken = {disk.target for disk in disks} | {_target(xml) for xml in volume_disks}
    prefix = _PREFIXES[bus]
    target = next(f'{prefix}{letter}' for letter in 'abcdefghijklmnopqrstuvwxyz'
                  if f'{prefix}{letter}' not in taken)
    disks.append(config.Disk(rescue_disk, 'qcow2', target, bus, device, device == 'cdrom',
                             boot_order=1))
    return disks, [_without_boot_order(xml) for xml in volume_disks]


def _without_boot_order(disk_xml):
    disk = ET.fromstring(disk_xml)
    for boot in disk.findall('boot'):
        disk.remove(boot)
    return ET.tostring(disk, encoding='unicode')


def _target(disk_xml):
    target = ET.fromstring(disk_xml).find('target')
    return None if target is None else target.get('dev')
