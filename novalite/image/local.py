"""A local image service: a directory of image files with JSON metadata.

Each image is ``<images_path>/<id>`` (the data) beside ``<id>.json`` (its
metadata, Glance-shaped: ``id``, ``name``, ``status``, ``disk_format``,
``container_format``, ``size``, ``checksum`` (md5), ``os_hash_algo``,
``os_hash_value`` (sha512), ``min_disk``, ``min_ram``, ``properties``,
``created_at``). The metadata file is written last, atomically, so a
half-copied image is never visible.
"""

import hashlib
import json
import os
import shutil
import tempfile
import uuid

from oslo_utils import timeutils

from novalite import exception

_CHUNK = 1024 * 1024
DISK_FORMATS = ('raw', 'qcow2', 'aki', 'ari', 'ami', 'iso')
CONTAINER_FORMATS = ('bare', 'aki', 'ari', 'ami', 'ovf')


class LocalImageService:
    def __init__(self, images_path):
        self.images_path = images_path

    def _data_path(self, image_id):
        return os.path.join(self.images_path, image_id)

    def _meta_path(self, image_id):
        return os.path.join(self.images_path, image_id + '.json')

    def create(self, name, source_path, disk_format='qcow2', container_format='bare',
               properties=None, min_disk=0, min_ram=0, image_id=None):
        """Copy ``source_path`` into the store and return the new image's metadata.

        :raises Invalid: unknown disk or container format, or unreadable source.
        """
        if disk_format not in DISK_FORMATS:
            raise exception.Invalid(f"Invalid disk_format {disk_format!r}; "
                                    f"expected one of {', '.join(DISK_FORMATS)}")
        if container_format not in CONTAINER_FORMATS:
            raise exception.Invalid(f"Invalid container_format {container_format!r}")
        if not os.path.isfile(source_path):
            raise exception.Invalid(f"Image file {source_path} does not exist")
        os.makedirs(self.images_path, exist_ok=True)
        image_id = image_id or str(uuid.uuid4())
        size, md5, sha512 = self._copy(source_path, self._data_path(image_id))
        meta = {'id': image_id, 'name': name, 'status': 'active',
                'disk_format': disk_format, 'container_format': container_format,
                'size': size, 'checksum': md5, 'os_hash_algo': 'sha512',
                'os_hash_value': sha512, 'min_disk': min_disk, 'min_ram': min_ram,
                'properties': dict(properties or {}),
                'created_at': timeutils.utcnow().strftime('%Y-%m-%dT%H:%M:%SZ')}
        self._write_meta(meta)
        return meta

    def _copy(self, source_path, dest_path):
        md5, sha512, size = hashlib.md5(usedforsecurity=False), hashlib.sha512(), 0
        with open(source_path, 'rb') as src, open(dest_path, 'wb') as dst:
            for chunk in iter(lambda: src.read(_CHUNK), b''):
                md5.update(chunk)
                sha512.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        return size, md5.hexdigest(), sha512.hexdigest()

    def _write_meta(self, meta):
        fd, tmp = tempfile.mkstemp(dir=self.images_path, suffix='.tmp')
        with os.fdopen(fd, 'w') as f:
            json.dump(meta, f)
        os.replace(tmp, self._meta_path(meta['id']))

    def show(self, image_id):
        """Metadata of one image. :raises ImageNotFound:"""
        try:
            with open(self._meta_path(image_id)) as f:
                return json.load(f)
        except (FileNotFoundError, ValueError, OSError):
            raise exception.ImageNotFound(image_id=image_id) from None

    def list(self):
        """Metadata of every image, oldest first."""
        if not os.path.isdir(self.images_path):
            return []
        images = []
        for entry in os.listdir(self.images_path):
            if entry.endswith('.json'):
                try:
                    images.append(self.show(entry[:-len('.json')]))
                except exception.ImageNotFound:
                    continue
        return sorted(images, key=lambda m: (m['created_at'], m['id']))

    def delete(self, image_id):
        """Remove an image. :raises ImageNotFound:"""
        self.show(image_id)
        os.unlink(self._meta_path(image_id))
        try:
            os.unlink(self._data_path(image_id))
        except FileNotFoundError:
            pass

    def download(self, image_id, dest_path):
        """Copy the image's data to ``dest_path``; returns its metadata.

        :raises ImageNotFound: no such image, or its data file is gone.
        """
        meta = self.show(image_id)
        try:
            shutil.copyfile(self._data_path(image_id), dest_path)
        except FileNotFoundError:
            raise exception.ImageNotFound(image_id=image_id) from None
        return meta


def get_image_service(conf=None):
    from novalite.conf import CONF
    return LocalImageService((conf or CONF).image.images_path)
