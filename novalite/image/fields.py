"""An image record's attributes, who may see it, and its Image API v2 wire form.

Stores keep a record with the core attributes at the top and custom
properties under ``properties``; the Image API v2 (Glance's wire format)
shows the properties flat beside the core attributes. :func:`to_wire` and
:func:`from_wire` convert between the two, so the image API app and the
client that talks to it (or to a real Glance) agree on one shape.
"""

import hashlib

from novalite import exception

DISK_FORMATS = ('raw', 'qcow2', 'aki', 'ari', 'ami', 'iso', 'vhd', 'vhdx', 'vmdk', 'vdi',
                'ploop')
CONTAINER_FORMATS = ('bare', 'aki', 'ari', 'ami', 'ovf', 'ova', 'docker', 'compressed')
VISIBILITIES = ('public', 'private', 'shared', 'community')

# Attributes a client may set on create and change with a patch.
SETTABLE = ('name', 'visibility', 'protected', 'os_hidden', 'tags', 'disk_format',
            'container_format', 'min_disk', 'min_ram')
# Attributes only the service sets.
READ_ONLY = ('status', 'owner', 'size', 'virtual_size', 'checksum', 'os_hash_algo',
             'os_hash_value', 'created_at', 'updated_at', 'direct_url', 'stores')
# Names no property may take (links, and Glance's location attributes).
RESERVED = ('self', 'file', 'schema', 'location', 'locations', 'deleted', 'deleted_at')
CORE = ('id', *SETTABLE, *READ_ONLY)

_DEFAULTS = {'name': None, 'status': 'queued', 'visibility': 'shared', 'owner': None,
             'protected': False, 'os_hidden': False, 'tags': [], 'disk_format': None,
             'container_format': None, 'min_disk': 0, 'min_ram': 0, 'size': None,
             'virtual_size': None, 'checksum': None, 'os_hash_algo': None,
             'os_hash_value': None, 'properties': {}}


def check_formats(disk_format, container_format):
    """:raises Invalid: a format not in :data:`DISK_FORMATS` / :data:`CONTAINER_FORMATS`."""
    if disk_format is not None and disk_format not in DISK_FORMATS:
        raise exception.Invalid(f"Invalid disk_format {disk_format!r}; "
                                f"expected one of {', '.join(DISK_FORMATS)}")
    if container_format is not None and container_format not in CONTAINER_FORMATS:
        raise exception.Invalid(f"Invalid container_format {container_format!r}; "
                                f"expected one of {', '.join(CONTAINER_FORMATS)}")


def new_record(values, created_at):
    """A full record from the attributes a creator gave."""
    record = {key: values.get(key) if values.get(key) is not None else default
              for key, default in _DEFAULTS.items()}
    record.update(id=values['id'], created_at=created_at, updated_at=created_at,
                  tags=list(record['tags']), properties=dict(record['properties']))
    return record


def upgrade(record):
    """Fill attributes older records lack (images registered before visibility existed
    were everyone's)."""
    for key, default in _DEFAULTS.items():
        record.setdefault(key, 'public' if key == 'visibility' else default)
    record.setdefault('updated_at', record.get('created_at'))
    return record


def visible(record, context):
    """Whether ``context`` may see the image (Glance's rule, without members)."""
    if context.is_admin or record.get('visibility') in ('public', 'community'):
        return True
    return record.get('owner') is not None and record.get('owner') == context.project_id


def mutable(record, context):
    """Whether ``context`` may change or delete the image: its owner, or an admin."""
    return context.is_admin or (record.get('owner') is not None
                                and record.get('owner') == context.project_id)


def to_wire(record):
    """The Image API v2 body of a record: properties flat, links added."""
    body = {key: record.get(key) for key in CORE}
    body.update(record.get('properties') or {})
    image_id = record['id']
    body.update({'self': f'/v2/images/{image_id}', 'file': f'/v2/images/{image_id}/file',
                 'schema': '/v2/schemas/image'})
    return body


def from_wire(body):
    """A record from an Image API v2 body (a real Glance's or ours)."""
    record = {key: body.get(key) for key in CORE if key in body}
    record['properties'] = {key: value for key, value in body.items()
                            if key not in CORE and key not in RESERVED}
    return upgrade(record)


def write_verified(record, chunks, dst):
    """Write ``chunks`` to the file ``dst`` (None: only check), checking the record's hash.

    As Nova's image download: the multihash (``os_hash_value`` with
    ``os_hash_algo``, sha512 by default) when the record has one, else the
    md5 ``checksum``; hashing both would double the cost for nothing.

    :raises ImageUnacceptable: the size or that hash differs from the record.
    """
    if record.get('os_hash_value'):
        key, digest = 'os_hash_value', hashlib.new(record.get('os_hash_algo') or 'sha512')
    else:
        key, digest = 'checksum', hashlib.md5(usedforsecurity=False)
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        if dst is not None:
            dst.write(chunk)
    _check(record, 'size', size)
    _check(record, key, digest.hexdigest())


def _check(record, key, found):
    expected = record.get(key)
    if expected is not None and expected != found:
        raise exception.ImageUnacceptable(
            image_id=record['id'], reason=f"its data's {key} is {found}, the image "
                                          f"service says {expected}")
