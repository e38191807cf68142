"""Snapshots and backups from the API: createImage and createBackup.

The API registers the image (``queued``) with the caller's token, as Nova
does, so the image is the caller's and a user snapshots only into images it
may see; then it persists the server's task and casts to its host, which
captures the disk and uploads it (:mod:`novalite.compute.snapshots`). An
image whose task could not be persisted is deleted again: no request leaves
an image nobody fills.

A server booted from a volume (:func:`is_volume_backed`) is snapshotted by
the volume service instead: its image holds only the snapshots of its
volumes (:mod:`novalite.compute.volume_images`).
"""

from oslo_log import log as logging

from novalite import exception
from novalite.compute import actions, vm_states
from novalite.db import block_device_mappings

LOG = logging.getLogger(__name__)

_CAPTURABLE = [vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED, vm_states.SUSPENDED]
SNAPSHOT = actions.Transition(_CAPTURABLE, [None], vm_states.IMAGE_SNAPSHOT_PENDING,
                              'snapshot_instance')
BACKUP = actions.Transition(_CAPTURABLE, [None], vm_states.IMAGE_BACKUP, 'backup_instance')

# Image attributes the API copied into the server's system metadata at boot
# (``image_<key>``); the others there are its image's properties.
_CORE_KEYS = ('min_ram', 'min_disk', 'disk_format', 'container_format')
# Properties a snapshot never inherits (Nova's non_inheritable_image_properties
# and the image signature, which the new data would not match).
_NOT_INHERITED = ('cache_in_nova', 'bittorrent', 'img_signature', 'img_signature_hash_method',
                  'img_signature_key_type', 'img_signature_certificate_uuid')


def snapshot(context, image_service, compute_rpcapi, instance, name, extra_properties=None):
    """Snapshot the server's local root disk into a new image; returns its (queued) record.

    :raises InstanceInvalidState: not active, stopped, paused or suspended, or busy (409).
    :raises InstanceIsLocked: (409).
    """
    image = begin_image(context, image_service, instance, name, 'createImage', SNAPSHOT,
                   'snapshot', extra_properties)
    compute_rpcapi.snapshot_instance(context, instance, image['id'])
    return image


def backup(context, image_service, compute_rpcapi, instance, name, backup_type, rotation,
           extra_properties=None):
    """Back the server up into a new image, keeping its ``rotation`` newest backups
    of ``backup_type``; returns the (queued) record.

    :raises Invalid: the server boots from a volume (400).
    """
    if is_volume_backed(instance):
        raise exception.Invalid("It's not supported to backup volume backed instance.")
    properties = dict(extra_properties or {}, backup_type=backup_type)
    image = begin_image(context, image_service, instance, name, 'createBackup', BACKUP, 'backup',
                   properties)
    compute_rpcapi.backup_instance(context, instance, image['id'], backup_type, rotation)
    return image


def is_volume_backed(instance):
    """Whether the server's root disk is a volume (its boot mapping has boot_index 0)."""
    return any(bdm.get('boot_index') == 0
               for bdm in block_device_mappings.bdm_get_by_instance(instance['uuid']))


def begin_image(context, image_service, instance, name, action, transition, image_type,
                extra_properties=None):
    """Check the server, register the image, then persist the task (deleting the image
    if that fails)."""
    actions.check_state(instance, action, transition)
    actions.check_lock(context, instance)
    if not instance['host']:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    image = create_image(context, image_service, instance, name, image_type, extra_properties)
    try:
        actions.begin(context, instance, action, transition)
    except Exception:
        delete_image(context, image_service, image['id'])
        raise
    return image


def snapshot_record(context, instance, name, image_type, extra_properties=None):
    """The new image's attributes: the server's image's, less what the new data
    changes, plus ``instance_uuid``, ``user_id``, ``image_type`` and the caller's."""
    sysmeta = instance.get('system_metadata') or {}
    inherited = {key[len('image_'):]: value for key, value in sysmeta.items()
                 if key.startswith('image_')}
    record = {key: inherited.pop(key) for key in _CORE_KEYS if key in inherited}
    for key in ('min_ram', 'min_disk'):
        if key in record:
            record[key] = int(record[key])
    for key in _NOT_INHERITED:
        inherited.pop(key, None)
    properties = dict(inherited, instance_uuid=instance['uuid'], user_id=str(context.user_id),
                      image_type=image_type)
    # An admin's snapshot of another project's server stays visible to that project.
    if context.project_id != instance['project_id']:
        record['visibility'] = 'shared'
        properties['instance_owner'] = instance['project_id']
    else:
        record['visibility'] = 'private'
    properties.update(extra_properties or {})
    if image_type == 'snapshot':
        # The data will be whatever format the driver writes; it says so on upload.
        record.pop('disk_format', None)
        record.pop('container_format', None)
    record.update(name=name, properties=properties, owner=instance['project_id'])
    return record


def create_image(context, image_service, instance, name, image_type, extra_properties=None):
    """Register the snapshot's image (``queued``) with the caller's token."""
    return image_service.create_record(
        snapshot_record(context, instance, name, image_type, extra_properties), context=context)


def delete_image(context, image_service, image_id):
    """Delete an image, logging rather than raising (it may be gone already)."""
    try:
        image_service.delete(image_id, context=context)
    except exception.ImageNotFound:
        pass
    except Exception:
        LOG.exception("Could not delete image %s", image_id)
