"""Block device mappings of ``POST /servers`` (``block_device_mapping_v2``), the API's side.

:func:`from_api` turns the request's mappings into novalite's form with
Nova's rules (``nova/block_device.py`` ``BlockDeviceDict.from_api``) and
:func:`validate` checks them against the image and volume services as
Nova's ``_validate_bdm`` does: the boot sequence, the images named, the
sizes, and that each existing volume is available. Every refusal is a 400
with Nova's message, raised before anything is written.

What novalite boots: an image on a local disk (``imageRef``, or an image
mapping to ``local`` at boot index 0) or a volume at boot index 0 (an
existing volume, a new one made from an image or a volume snapshot, or a
blank one), plus more volumes (existing, from an image or a snapshot,
blank). An image that carries a block device mapping (``bdm_v2``: the image
of a volume-backed server, :mod:`novalite.compute.volume_images`) adds its
mappings to the request's (:func:`merge_image_mappings`), as Nova does.
Volumes are made and attached on the compute host during the build
(:mod:`novalite.compute.boot_volumes`); here existing volumes are only
reserved (:func:`reserve`).
"""

import json

from novalite import exception
from novalite.volume import cinder

GiB = 1024 ** 3
ROOT_DEVICE = '/dev/vda'
_LETTERS = 'bcdefghijklmnopqrstuvwxyz'

_PREFIX = "Block Device Mapping is Invalid: "
BOOT_SEQUENCE = (_PREFIX + "Boot sequence for the instance and image/block device mapping "
                 "combination is not valid.")


def _invalid(details):
    return exception.Invalid(_PREFIX + details)


def _boot_index(mapping):
    value = mapping.get('boot_index')
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _invalid("Boot index is invalid.") from None


def _one(mapping, image_ref_given):
    """One request mapping in novalite's form (Nova's ``BlockDeviceDict.from_api``)."""
    source = mapping.get('source_type')
    uuid = mapping.get('uuid') or mapping.get('image_id') or mapping.get('volume_id') \
        or mapping.get('snapshot_id')
    if source == 'blank' and uuid:
        raise _invalid("Invalid device UUID.")
    if source != 'blank' and not uuid:
        raise _invalid("Missing device UUID.")
    destination = mapping.get('destination_type') or ('volume' if source == 'volume'
                                                       else 'local')
    boot_index = _boot_index(mapping)
    if source == 'image' and destination == 'local' and not (
            image_ref_given and boot_index == 0):
        raise _invalid("Mapping image to local is not supported.")
    if destination == 'local' and source != 'image':
        raise _invalid(f"A {source} source with destination_type local is not supported "
                       f"(novalite's ephemeral and swap disks come from the flavor).")
    if mapping.get('volume_type') is not None:
        if destination == 'local':
            raise _invalid("Specifying a volume_type with destination_type=local is not "
                           "supported.")
        if source == 'volume':
            raise _invalid("Specifying volume type to existing volume is not supported.")
    return {
        'source_type': source, 'destination_type': destination,
        'boot_index': boot_index if boot_index is not None and boot_index >= 0 else None,
        'image_id': uuid if source == 'image' else None,
        'volume_id': uuid if source == 'volume' else None,
        'snapshot_id': uuid if source == 'snapshot' else None,
        'volume_size': mapping.get('volume_size'),
        'delete_on_termination': bool(mapping.get('delete_on_termination', False)),
        'device_name': mapping.get('device_name'), 'tag': mapping.get('tag'),
        'volume_type': mapping.get('volume_type'),
        'device_type': mapping.get('device_type') or 'disk',
        'disk_bus': mapping.get('disk_bus') or 'virtio',
    }


def from_api(server):
    """``(image_id, mappings)`` of a create request's ``server`` body.

    ``image_id`` is the image booted on a local disk, or ``''`` for a
    server booted from a volume; ``mappings`` are the mappings with a volume
    destination, the boot volume first.

    :raises Invalid: a mapping Nova would refuse, or one novalite cannot do.
    """
    requested = server.get('block_device_mapping_v2')
    image_ref = server.get('imageRef')
    if not requested:
        if not image_ref:
            raise exception.Invalid("Missing imageRef attribute")
        return image_ref, []
    mappings = [_one(mapping, image_ref is not None) for mapping in requested
                if not mapping.get('no_device')]
    _check_boot_sequence(mappings)
    root = next(m for m in mappings if m['boot_index'] == 0)
    if root['destination_type'] == 'local':
        if image_ref and image_ref != root['image_id']:
            raise exception.Invalid(
                "imageRef and the block device mapping name different images")
        image_id = root['image_id']
    else:
        image_id = ''
    return image_id, _boot_order([m for m in mappings if m['destination_type'] == 'volume'])


def _boot_order(mappings):
    return sorted(mappings, key=lambda m: (m['boot_index'] is None, m['boot_index'] or 0))


def _check_boot_sequence(mappings):
    indexes = sorted(m['boot_index'] for m in mappings if m['boot_index'] is not None)
    if not indexes or indexes != list(range(len(indexes))):
        raise exception.Invalid(BOOT_SEQUENCE)


def image_mappings(image):
    """The volume mappings an image carries (``bdm_v2`` images), in novalite's form.

    Glance v2 keeps them as a JSON string; a list is taken as it is.
    """
    properties = image.get('properties') or {}
    if str(properties.get('bdm_v2', '')).lower() != 'true':
        return []
    found = properties.get('block_device_mapping') or []
    if isinstance(found, str):
        try:
            found = json.loads(found)
        except ValueError:
            raise _invalid(f"Image {image.get('id')} has a malformed "
                           f"block_device_mapping.") from None
    return [_one(mapping, False) for mapping in found
            if not mapping.get('no_device') and mapping.get('destination_type') == 'volume']


def merge_image_mappings(image, requested):
    """The image's volume mappings with the request's (which win on a device name).

    When the image's mappings hold the root, the server boots from it.

    :raises Invalid: the merged boot sequence is not valid.
    """
    defined = image_mappings(image)
    if not defined:
        return requested
    names = {m['device_name'] for m in requested if m['device_name']}
    merged = [m for m in defined if m['device_name'] not in names] + list(requested)
    if is_volume_backed(merged):
        _check_boot_sequence(merged)
    return _boot_order(merged)


def is_volume_backed(mappings):
    return any(m['boot_index'] == 0 for m in mappings)


def validate(context, mappings, image_service, count, volume_api=None):
    """Check each mapping as Nova's ``_validate_bdm``; returns the boot image's record.

    The boot image of a volume-backed server is the image its root volume
    is made from, or the one an existing root volume was made from (``{}``
    when there is none).

    :raises Invalid: an image or volume that cannot be had, a missing size,
        an unavailable volume, or existing volumes for more than one server.
    """
    if count > 1 and any(m['source_type'] == 'volume' for m in mappings):
        raise exception.Invalid("Cannot attach one or more volumes to multiple instances")
    volume_api = volume_api or cinder.API()
    _volume_types(context, volume_api, mappings)
    boot_image = {}
    for mapping in mappings:
        if mapping['source_type'] == 'image':
            image = _image(context, image_service, mapping)
        elif mapping['source_type'] == 'volume':
            image = _volume(context, volume_api, mapping)
        elif mapping['source_type'] == 'snapshot':
            image = _snapshot(context, volume_api, mapping)
        else:
            image = _blank(mapping)
        if mapping['boot_index'] == 0:
            boot_image = image
            _check_fits(image, mapping['volume_size'])
    _device_names(mappings)
    return boot_image


def _volume_types(context, volume_api, mappings):
    """Each ``volume_type`` (2.67) must name a type of the volume service, by name or id."""
    asked = [m['volume_type'] for m in mappings if m.get('volume_type')]
    if not asked:
        return
    known = set()
    for volume_type in volume_api.volume_types(context):
        known.update((volume_type['id'], volume_type['name']))
    for volume_type in asked:
        if volume_type not in known:
            raise exception.Invalid(f"Volume type {volume_type} could not be found.")


def _image(context, image_service, mapping):
    try:
        image = image_service.show(mapping['image_id'], context)
    except exception.ImageNotFound:
        raise _invalid(f"failed to get image {mapping['image_id']}.") from None
    if image.get('status') != 'active':
        raise exception.Invalid(f"Image {mapping['image_id']} is not active.")
    if not mapping['volume_size']:
        raise _invalid("Images with destination_type 'volume' need to have a non-zero "
                       "size specified")
    return image


def _volume(context, volume_api, mapping):
    try:
        volume = volume_api.get(context, mapping['volume_id'])
    except exception.VolumeNotFound:
        raise _invalid(f"failed to get volume {mapping['volume_id']}.") from None
    if volume['status'] != 'available':
        raise exception.InvalidVolume(
            reason=f"volume '{mapping['volume_id']}' status must be 'available'. "
                   f"Currently in '{volume['status']}'")
    mapping['volume_size'] = volume['size']
    return _image_of(volume)


def _snapshot(context, volume_api, mapping):
    """A snapshot's mapping: its size unless one was asked; the image of its volume."""
    try:
        snapshot = volume_api.get_snapshot(context, mapping['snapshot_id'])
        volume = volume_api.get(context, snapshot['volume_id'])
    except (exception.SnapshotNotFound, exception.VolumeNotFound):
        raise _invalid(f"failed to get snapshot {mapping['snapshot_id']}.") from None
    mapping['volume_size'] = mapping['volume_size'] or snapshot['size']
    return _image_of(volume)


def _image_of(volume):
    """The image a volume was made from, as far as its ``volume_image_metadata`` says."""
    metadata = volume.get('volume_image_metadata') or {}
    image = {'properties': {key: value for key, value in metadata.items()
                            if key not in ('image_id', 'min_disk', 'min_ram', 'size')}}
    if metadata.get('image_id'):
        image['id'] = metadata['image_id']
    return image


def _blank(mapping):
    if not mapping['volume_size']:
        raise _invalid("Blank volumes (source: 'blank', dest: 'volume') need to have "
                       "non-zero size")
    return {}


def _check_fits(image, volume_size):
    """An image's data and ``min_disk`` must fit the root volume (Nova's checks)."""
    volume_bytes = int(volume_size or 0) * GiB
    needed = max(int(image.get('size') or 0), int(image.get('min_disk') or 0) * GiB)
    if needed > volume_bytes:
        raise exception.Invalid(
            f"Volume is smaller than the minimum size specified in image metadata. "
            f"Volume size is {volume_bytes} bytes, minimum size is {needed} bytes.")


def _device_names(mappings):
    """Name every device: the boot volume ``/dev/vda``, the others in order."""
    taken = {m['device_name'] for m in mappings if m['device_name']}
    if len(taken) != len([m for m in mappings if m['device_name']]):
        raise _invalid("Device name is used by more than one mapping.")
    free = (f'/dev/vd{letter}' for letter in _LETTERS)
    for mapping in mappings:
        if mapping['boot_index'] == 0:
            mapping['device_name'] = ROOT_DEVICE
        elif not mapping['device_name'] or mapping['device_name'] == ROOT_DEVICE:
            mapping['device_name'] = next(name for name in free if name not in taken)


def reserve(context, mappings, instance_uuid, volume_api=None):
    """Reserve each existing volume for the server (an attachment without connector).

    Nova does it in the API too, so that two servers cannot be built from one
    volume. Returns the mappings with their ``attachment_id``.

    :raises InvalidVolume: a volume was taken meanwhile; what this call
        reserved is released again.
    """
    volume_api = volume_api or cinder.API()
    done, reserved = [], []
    try:
        for mapping in mappings:
            if mapping['source_type'] == 'volume':
                attachment = volume_api.attachment_create(context, mapping['volume_id'],
                                                          instance_uuid)
                done.append(attachment['id'])
                mapping = dict(mapping, attachment_id=attachment['id'])
            reserved.append(mapping)
    except exception.VolumeServiceError as exc:
        unreserve(context, done, volume_api)
        if exc.code == 400:
            raise exception.InvalidVolume(reason=exc.format_message()) from None
        raise
    return reserved


def unreserve(context, attachment_ids, volume_api=None):
    volume_api = volume_api or cinder.API()
    for attachment_id in attachment_ids:
        volume_api.attachment_delete(context, attachment_id)
