"""The local image store: a directory of image files with JSON metadata.

Each image is ``<images_path>/<id>`` (the data) beside ``<id>.json`` (its
record, Glance-shaped: ``id``, ``name``, ``status``, ``visibility``,
``owner``, ``protected``, ``tags``, ``disk_format``, ``container_format``,
``size``, ``checksum`` (md5), ``os_hash_algo``, ``os_hash_value`` (sha512),
``min_disk``, ``min_ram``, ``properties``, ``created_at``, ``updated_at``).

A record is written atomically (a temporary file renamed over it) and
changed under a per-image lock, so the image API's workers and
``novalite-manage`` can share the directory. Data is streamed to
``<id>.part`` and renamed into place before the record says ``active``: a
half-written image is never downloadable, and a failed upload leaves the
image ``queued`` as Glance does.
"""

import hashlib
import json
import os
import tempfile
import uuid

from oslo_concurrency import lockutils
from oslo_utils import timeutils

from novalite import exception
from novalite.image import fields

_CHUNK = 1024 * 1024
DISK_FORMATS = fields.DISK_FORMATS
CONTAINER_FORMATS = fields.CONTAINER_FORMATS


def _now():
    return timeutils.utcnow().strftime('%Y-%m-%dT%H:%M:%SZ')


class _Hashes:
    """md5 (``checksum``), sha512 (``os_hash_value``) and size of a stream."""

    def __init__(self):
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.sha512 = hashlib.sha512()
        self.size = 0

    def update(self, chunk):
        self.md5.update(chunk)
        self.sha512.update(chunk)
        self.size += len(chunk)


class LocalImageService:
    """Image records and data in ``images_path``."""

    def __init__(self, images_path, size_cap=None):
        self.images_path = images_path
        self.size_cap = size_cap

    def _data_path(self, image_id):
        return os.path.join(self.images_path, image_id)

    def _meta_path(self, image_id):
        return os.path.join(self.images_path, image_id + '.json')

    def _lock(self, image_id):
        return lockutils.lock(f'image-{image_id}', lock_file_prefix='novalite-',
                              external=True, lock_path=os.path.join(self.images_path, '.locks'))

    # --- records -------------------------------------------------------------

    def create_record(self, values, context=None):
        """Store a new ``queued`` image record (no data yet) and return it.

        :param values: checked attributes (see :mod:`novalite.image.fields`);
            ``id`` is generated unless given.
        :raises Conflict: an image with that id exists.
        """
        os.makedirs(self.images_path, exist_ok=True)
        image_id = values.get('id') or str(uuid.uuid4())
        now = _now()
        record = fields.new_record(dict(values, id=image_id), created_at=now)
        with self._lock(image_id):
            if os.path.exists(self._meta_path(image_id)):
                raise exception.Conflict(f"Image with identifier {image_id} already exists!")
            self._write(record)
        return record

    def create(self, name, source_path, disk_format='qcow2', container_format='bare',
               properties=None, min_disk=0, min_ram=0, image_id=None, visibility='public',
               owner=None):
        """Register the file ``source_path`` as a new active image (``novalite-manage``).

        :raises Invalid: unknown disk or container format, or unreadable source.
        """
        fields.check_formats(disk_format, container_format)
        if not os.path.isfile(source_path):
            raise exception.Invalid(f"Image file {source_path} does not exist")
        record = self.create_record({
            'id': image_id, 'name': name, 'disk_format': disk_format,
            'container_format': container_format, 'min_disk': min_disk, 'min_ram': min_ram,
            'visibility': visibility, 'owner': owner, 'properties': dict(properties or {})})
        with open(source_path, 'rb') as src:
            return self.upload(record['id'], iter(lambda: src.read(_CHUNK), b''))

    def _write(self, record):
        fd, tmp = tempfile.mkstemp(dir=self.images_path, suffix='.tmp')
        with os.fdopen(fd, 'w') as f:
            json.dump(record, f)
        os.replace(tmp, self._meta_path(record['id']))

    def show(self, image_id, context=None):
        """The record of one image, if ``context`` (when given) may see it.

        :raises ImageNotFound:
        """
        try:
            with open(self._meta_path(image_id)) as f:
                record = fields.upgrade(json.load(f))
        except (FileNotFoundError, ValueError, OSError):
            raise exception.ImageNotFound(image_id=image_id) from None
        if context is not None and not fields.visible(record, context):
            raise exception.ImageNotFound(image_id=image_id)
        return record

    def list(self, context=None):
        """Every record (``context`` may see), oldest first."""
        if not os.path.isdir(self.images_path):
            return []
        images = []
        for entry in os.listdir(self.images_path):
            if entry.endswith('.json'):
                try:
                    images.append(self.show(entry[:-len('.json')], context))
                except exception.ImageNotFound:
                    continue
        return sorted(images, key=lambda m: (m['created_at'], m['id']))

    def update(self, image_id, change):
        """Apply ``change(record)`` (which edits it in place) under the image's lock.

        :returns: the stored record.
        :raises ImageNotFound:
        """
        with self._lock(image_id):
            record = self.show(image_id)
            change(record)
            record['updated_at'] = _now()
            self._write(record)
        return record

    def delete(self, image_id, context=None):
        """Remove an image's record and data. :raises ImageNotFound:"""
        with self._lock(image_id):
            self.show(image_id)
            os.unlink(self._meta_path(image_id))
            for path in (self._data_path(image_id), self._data_path(image_id) + '.part'):
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass

    def set_attributes(self, image_id, values, context=None):
        """Set core attributes (``disk_format``...) and ``properties`` (merged) of an image.

        ``context`` is accepted for the Image API client's sake (the store
        does not check it). :raises ImageNotFound:
        """
        values = dict(values)
        properties = values.pop('properties', None) or {}

        def change(record):
            record.update(values)
            record['properties'].update(properties)
        return self.update(image_id, change)

    # --- data ----------------------------------------------------------------

    def upload(self, image_id, chunks, context=None):
        """Store an image's data from an iterable of bytes; the image becomes active.

        :returns: the record, with ``size``, ``checksum`` and ``os_hash_value``.
        :raises ImageNotFound:
        :raises Conflict: the image is not ``queued`` (data are written once).
        :raises ImageTooLarge: more than ``size_cap`` bytes; the image stays queued.
        """
        self.update(image_id, _start_saving)
        partial = self._data_path(image_id) + '.part'
        try:
            hashes = self._write_data(chunks, partial)
        except BaseException:
            _unlink(partial)
            self.update(image_id, _back_to_queued)
            raise
        os.replace(partial, self._data_path(image_id))
        return self.update(image_id, lambda record: _activate(record, hashes))

    def _write_data(self, chunks, partial):
        hashes = _Hashes()
        with open(partial, 'wb') as dst:
            for chunk in chunks:
                hashes.update(chunk)
                if self.size_cap is not None and hashes.size > self.size_cap:
                    raise exception.ImageTooLarge(size_cap=self.size_cap)
                dst.write(chunk)
        return hashes

    def data(self, image_id):
        """An iterator over the active image's bytes, or None when it has no data.

        :raises ImageNotFound:
        """
        record = self.show(image_id)
        if record['status'] != 'active':
            return None
        try:
            f = open(self._data_path(image_id), 'rb')
        except FileNotFoundError:
            raise exception.ImageNotFound(image_id=image_id) from None
        return _read_chunks(f)

    def verified_path(self, image_id):
        """``(record, path)`` of the active image's stored data, checked in place.

        For a reader on this host (the volume service's create-from-image):
        no copy is written, the data is read once for its hash.

        :raises ImageNotFound: no such image, or it has no data.
        :raises ImageUnacceptable: the data do not match the record's hash.
        """
        record = self.show(image_id)
        chunks = self.data(image_id)
        if chunks is None:
            raise exception.ImageNotFound(image_id=image_id)
        fields.write_verified(record, chunks, None)
        return record, self._data_path(image_id)

    def download(self, image_id, dest_path, context=None):
        """Copy the image's data to ``dest_path``, checking its sha512; returns the record.

        :raises ImageNotFound: no such image, or it has no data.
        :raises ImageUnacceptable: the data do not match ``os_hash_value``.
        """
        record = self.show(image_id, context)
        chunks = self.data(image_id)
        if chunks is None:
            raise exception.ImageNotFound(image_id=image_id)
        with open(dest_path, 'wb') as dst:
            fields.write_verified(record, chunks, dst)
        return record


def _start_saving(record):
    if record['status'] != 'queued':
        raise exception.Conflict(f"Image status transition from {record['status']} to "
                                 "saving is not allowed")
    record['status'] = 'saving'


def _back_to_queued(record):
    record['status'] = 'queued'


def _activate(record, hashes):
    record.update(status='active', size=hashes.size, checksum=hashes.md5.hexdigest(),
                  os_hash_algo='sha512', os_hash_value=hashes.sha512.hexdigest())


def _read_chunks(f):
    with f:
        yield from iter(lambda: f.read(_CHUNK), b'')


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def get_image_service(conf=None):
    """The local store of ``[image] images_path``."""
    from novalite.conf import CONF
    conf = conf or CONF
    return LocalImageService(conf.image.images_path, conf.image.image_size_cap)
