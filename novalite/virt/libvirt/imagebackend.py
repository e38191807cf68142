"""The disk files of one instance in ``$instances_path/<uuid>/``.

``disk`` is a qcow2 overlay over the cached base image, grown to the
flavor's root disk; ``disk.eph0`` and ``disk.swap`` are blank qcow2 files
when the flavor asks for them. A server booted from a volume has none of
these: its disks are volumes. ``kernel`` and ``ramdisk`` are copies of the
cached kernel and ramdisk images for direct kernel boot, and ``cmdline`` the
kernel command line chosen at spawn. The layout is deterministic, so a hard
reboot rebuilds the domain from the instance dict and these files alone.
"""

import os
import shutil

from oslo_log import log as logging

from novalite import concurrency, exception
from novalite.virt.libvirt import config, qemuimg

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
MiB = 1024 ** 2
DEFAULT_CMDLINE = 'root=/dev/vda console=tty0 console=ttyS0'

ROOT = 'disk'
ROOT_DEV = 'vda'
EPHEMERAL = 'disk.eph0'
SWAP = 'disk.swap'
KERNEL = 'kernel'
RAMDISK = 'ramdisk'
CMDLINE = 'cmdline'
CONSOLE_LOG = 'console.log'


def instance_dir(instances_path, instance):
    return os.path.join(instances_path, instance['uuid'])


def image_properties(instance, image_meta=None):
    """Image properties of an instance's image.

    From ``image_meta`` when the caller has it (spawn), else from the
    ``image_*`` keys the API copied into the instance's system metadata.
    """
    if image_meta is not None:
        return dict(image_meta.get('properties') or {})
    sysmeta = instance.get('system_metadata') or {}
    return {key[len('image_'):]: value for key, value in sysmeta.items()
            if key.startswith('image_')}


def kernel_and_ramdisk_ids(instance, properties):
    kernel_id = instance.get('kernel_id') or properties.get('kernel_id')
    ramdisk_id = instance.get('ramdisk_id') or properties.get('ramdisk_id')
    return kernel_id or None, ramdisk_id or None


def _targets():
    for letter in 'abcdefghijklmnop':
        yield f'vd{letter}'


def _layout(path, instance, has_kernel, has_ramdisk, properties, local_root=True):
    """The :class:`config.Disk` list and :class:`config.Boot` of an instance dir."""
    boot = None
    if has_kernel:
        boot = config.Boot(os.path.join(path, KERNEL),
                           os.path.join(path, RAMDISK) if has_ramdisk else None,
                           _cmdline(path, properties))
    if not local_root:
        return [], boot
    targets = _targets()
    disks = [config.Disk(os.path.join(path, ROOT), 'qcow2', next(targets), 'virtio',
                         'disk', False)]
    if int(instance.get('ephemeral_gb') or 0) > 0:
        disks.append(config.Disk(os.path.join(path, EPHEMERAL), 'qcow2', next(targets),
                                 'virtio', 'disk', False))
    if int(instance.get('swap') or 0) > 0:
        disks.append(config.Disk(os.path.join(path, SWAP), 'qcow2', next(targets),
                                 'virtio', 'disk', False))
    return disks, boot


def _cmdline(path, properties):
    try:
        with open(os.path.join(path, CMDLINE)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return properties.get('os_command_line') or DEFAULT_CMDLINE


def existing_layout(path, instance, image_meta=None):
    """Disks and boot of an instance whose files exist (reboot, power on)."""
    properties = image_properties(instance, image_meta)
    return _layout(path, instance, os.path.exists(os.path.join(path, KERNEL)),
                   os.path.exists(os.path.join(path, RAMDISK)), properties,
                   local_root=os.path.exists(os.path.join(path, ROOT)))


def _root_size(instance, image_info):
    virtual = int(image_info['virtual-size'])
    root_gb = int(instance.get('root_gb') or 0)
    if root_gb == 0:
        return virtual
    if root_gb * GiB < virtual:
        raise exception.ImageUnacceptable(
            image_id=instance.get('image_ref'),
            reason=f"its virtual size {virtual} bytes exceeds the flavor's "
                   f"{root_gb} GiB root disk")
    return root_gb * GiB


def _copy_boot_file(cache, image_id, dest):
    base, _info = cache.fetch(image_id)
    shutil.copyfile(base, dest)


def create(cache, path, instance, image_meta, keep_ephemeral=False):
    """Fetch the images and create every disk file of a new instance.

    :param cache: the host's :class:`imagecache.ImageCache`.
    :param path: the instance directory (created by the caller).
    :param keep_ephemeral: a rebuild with ``preserve_ephemeral``: an
        ephemeral disk already there is kept as it is.
    :returns: ``(disks, boot)`` as :func:`existing_layout` does.
    :raises ImageUnacceptable: an image fails verification or does not fit.
    :raises ImageNotFound: an image (or its kernel/ramdisk) is gone.
    """
    # The boot files wait on other images and files than the disks: both at once.
    concurrency.gather((_create_disks, cache, path, instance, image_meta, keep_ephemeral),
                       (_create_boot_files, cache, path, instance,
                        image_properties(instance, image_meta)))
    return existing_layout(path, instance, image_meta)


def _create_disks(cache, path, instance, image_meta, keep_ephemeral):
    base, image_info = cache.fetch(image_meta['id'], image_meta)
    if image_info is None:
        raise exception.ImageUnacceptable(
            image_id=image_meta['id'],
            reason=f"a {image_meta.get('disk_format')} image cannot be a root disk")
    qemuimg.create_overlay(os.path.join(path, ROOT), base, image_info['format'],
                           _root_size(instance, image_info))
    ephemeral_gb = int(instance.get('ephemeral_gb') or 0)
    ephemeral = os.path.join(path, EPHEMERAL)
    if ephemeral_gb > 0 and not (keep_ephemeral and os.path.exists(ephemeral)):
        qemuimg.create_blank(ephemeral, ephemeral_gb * GiB)
    swap_mb = int(instance.get('swap') or 0)
    if swap_mb > 0:
        qemuimg.create_blank(os.path.join(path, SWAP), swap_mb * MiB)


def create_volume_backed(cache, path, instance, image_meta):
    """The files of a server booted from a volume: its kernel and ramdisk, if any.

    :raises ImageNotFound: the kernel or ramdisk image is gone.
    """
    _create_boot_files(cache, path, instance, image_properties(instance, image_meta))
    return existing_layout(path, instance, image_meta)


def _create_boot_files(cache, path, instance, properties):
    kernel_id, ramdisk_id = kernel_and_ramdisk_ids(instance, properties)
    if kernel_id:
        _copy_boot_file(cache, kernel_id, os.path.join(path, KERNEL))
    if kernel_id and ramdisk_id:
        _copy_boot_file(cache, ramdisk_id, os.path.join(path, RAMDISK))
    if kernel_id:
        with open(os.path.join(path, CMDLINE), 'w') as f:
            f.write((properties.get('os_command_line') or DEFAULT_CMDLINE) + '\n')


def backing_names(instance_dirs):
    """File names of the bases the root disks in ``instance_dirs`` are backed by.

    An unshelved server's base is its shelved snapshot, deleted from the
    image service once it is back: only its disk still names it.
    """
    names = set()
    for path in instance_dirs:
        disk = os.path.join(path, ROOT)
        if not os.path.exists(disk):
            continue
        try:
            backing = qemuimg.info(disk).get('backing-filename')
        except exception.ImageUnacceptable:
            continue
        if backing:
            names.add(os.path.basename(backing))
    return names
