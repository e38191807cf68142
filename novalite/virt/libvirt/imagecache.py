"""The ``_base`` image cache: one verified copy of each image per host.

Images are downloaded from the image service into
``$instances_path/_base/<sha1 of image id>`` under an external (cross
process) lock, so concurrent boots of one image download it once. A
download is checked against the image's size and md5 checksum and
inspected with ``qemu-img`` before it is renamed into place: an image whose
real format is not its ``disk_format``, or that refers to another file
(backing file, external data file), is rejected and never enters the cache.

At most ``[compute] max_concurrent_disk_ops`` downloads run at once (0: no
limit). :meth:`ImageCache.precache` fetches a base before any boot needs it
(``POST /os-aggregates/{id}/images``): the boot then finds it in place.

The periodic :meth:`ImageCache.manage` removes bases no instance has used for
``[libvirt] remove_unused_base_images_min_age_seconds``, pre-cached ones too.
"""

import contextlib
import hashlib
import os
import time

from oslo_concurrency import lockutils
from oslo_log import log as logging

from novalite import concurrency, exception
from novalite.virt.libvirt import qemuimg

LOG = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
# What qemu-img must probe for each disk_format. Kernels and ramdisks are
# not disk images: qemu-img has nothing to say about them.
_EXPECTED_FORMAT = {'raw': 'raw', 'qcow2': 'qcow2', 'ami': 'raw', 'iso': 'raw'}
_NOT_INSPECTED = ('aki', 'ari')
SUPPORTED_DISK_FORMATS = ('raw', 'qcow2', 'ami', 'iso', 'aki', 'ari')


def base_name(image_id):
    """File name of an image in ``_base``: the sha1 of its id, as Nova names it."""
    return hashlib.sha1(image_id.encode()).hexdigest()


def _md5_and_size(path):
    md5, size = hashlib.md5(usedforsecurity=False), 0
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(_CHUNK), b''):
            md5.update(chunk)
            size += len(chunk)
    return md5.hexdigest(), size


class ImageCache:
    """Fetches, verifies and ages the base images of one host."""

    def __init__(self, instances_path, image_service, conf):
        self.base_dir = os.path.join(instances_path, '_base')
        self.lock_path = os.path.join(instances_path, 'locks')
        self.image_service = image_service
        self.conf = conf
        limit = conf.compute.max_concurrent_disk_ops
        self._downloads = concurrency.Semaphore(limit) if limit else contextlib.nullcontext()
        # path -> ((inode, size, disk_format), qemu-img info) of bases inspected.
        self._inspections = {}

    def path(self, image_id):
        return os.path.join(self.base_dir, base_name(image_id))

    def _lock(self, image_id):
        return lockutils.lock(f'image-{base_name(image_id)}', lock_file_prefix='novalite-',
                              external=True, lock_path=self.lock_path)

    def fetch(self, image_id, image_meta=None):
        """Path of the verified base of ``image_id``, downloading it if missing.

        :returns: ``(path, qemu-img info dict or None for kernels/ramdisks)``
        :raises ImageNotFound: the image service has no such image.
        :raises ImageUnacceptable: checksum, size, format or backing file is wrong.
        """
        path = self.path(image_id)
        os.makedirs(self.base_dir, exist_ok=True)
        with self._lock(image_id):
            meta = image_meta or self.image_service.show(image_id)
            if not os.path.exists(path):
                self._download(image_id, meta, path)
            # The mtime is the last use; manage() ages unused bases from it.
            os.utime(path)
        return path, self._inspected(path, meta)

    def _inspected(self, path, meta):
        """:meth:`_inspect` once per base file, not on every use.

        A base is never changed in place: a new download is a new file
        renamed over it, so the path, inode and size name what was inspected.
        qemu-img runs under prlimit, a Python process: a tenth of a second
        that every spawn and live migration on this host would wait again.
        """
        stat = os.stat(path)
        key = (stat.st_ino, stat.st_size, meta.get('disk_format'))
        known = self._inspections.get(path)
        if known is None or known[0] != key:
            known = self._inspections[path] = (key, self._inspect(path, meta))
        return known[1]

    def precache(self, image_id):
        """Fetch ``image_id``'s base unless it is here; True if it was downloaded.

        :raises ImageNotFound, ImageUnacceptable: as :meth:`fetch`.
        """
        present = os.path.exists(self.path(image_id))
        self.fetch(image_id)
        return not present

    def _download(self, image_id, meta, path):
        if meta.get('disk_format') not in SUPPORTED_DISK_FORMATS:
            raise exception.ImageUnacceptable(
                image_id=image_id, reason=f"disk_format {meta.get('disk_format')!r} "
                                          "is not supported")
        partial = f'{path}.part'
        try:
            with self._downloads:
                LOG.info("Downloading image %s to %s", image_id, path)
                self.image_service.download(image_id, partial)
            self._verify(image_id, meta, partial)
        except BaseException:
            _unlink(partial)
            raise
        os.chmod(partial, 0o644)
        os.replace(partial, path)

    def _verify(self, image_id, meta, path):
        md5, size = _md5_and_size(path)
        if meta.get('size') is not None and size != meta['size']:
            raise exception.ImageUnacceptable(
                image_id=image_id, reason=f"size is {size}, the image service says "
                                          f"{meta['size']}")
        if meta.get('checksum') and md5 != meta['checksum']:
            raise exception.ImageUnacceptable(
                image_id=image_id, reason=f"md5 checksum {md5} does not match "
                                          f"{meta['checksum']}")
        self._inspect(path, meta, image_id=image_id)

    def _inspect(self, path, meta, image_id=None):
        """qemu-img's view of a disk image, refusing what must not be booted."""
        disk_format = meta.get('disk_format')
        if disk_format in _NOT_INSPECTED:
            return None
        image_id = image_id or meta.get('id')
        found = qemuimg.info(path, cpu_seconds=self.conf.libvirt.image_inspect_cpu_seconds)
        if found.get('format') != _EXPECTED_FORMAT.get(disk_format):
            raise exception.ImageUnacceptable(
                image_id=image_id, reason=f"disk_format is {disk_format} but the data is "
                                          f"{found.get('format')}")
        # A backing or data file would let an image read any file of the host.
        if found.get('backing-filename') or found.get('full-backing-filename'):
            raise exception.ImageUnacceptable(
                image_id=image_id, reason="it has a backing file "
                                          f"({found.get('backing-filename')})")
        if qemuimg.data_file(found):
            raise exception.ImageUnacceptable(
                image_id=image_id, reason="it has an external data file")
        return found

    def manage(self, all_instances, also_in_use=(), now=None):
        """Touch bases in use and remove those unused for long enough.

        :param all_instances: instance dicts of this host; their ``image_ref``,
            ``kernel_id`` and ``ramdisk_id`` are the bases in use.
        :param also_in_use: base file names in use besides (disks' backing files).
        :returns: the image file names removed.
        """
        if not os.path.isdir(self.base_dir):
            return []
        in_use = {base_name(image_id) for inst in all_instances
                  for image_id in (inst.get('image_ref'), inst.get('kernel_id'),
                                   inst.get('ramdisk_id')) if image_id}
        in_use.update(also_in_use)
        now = time.time() if now is None else now
        min_age = self.conf.libvirt.remove_unused_base_images_min_age_seconds
        removed = []
        for name in sorted(os.listdir(self.base_dir)):
            path = os.path.join(self.base_dir, name)
            if name in in_use:
                os.utime(path)
            elif len(name) == 40 and self._remove_if_old(name, path, now, min_age):
                removed.append(name)
        return removed

    def _remove_if_old(self, name, path, now, min_age):
        # fetch() locks by base name too, so a base being fetched (and
        # touched) is never removed under it.
        with lockutils.lock(f'image-{name}', lock_file_prefix='novalite-', external=True,
                            lock_path=self.lock_path):
            try:
                age = now - os.stat(path).st_mtime
            except FileNotFoundError:
                return False
            if age < min_age:
                return False
            LOG.info("Removing base image %s unused for %d s", path, age)
            _unlink(path)
            return True


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
