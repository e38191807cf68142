"""createImage of a server booted from a volume, as Nova's ``snapshot_volume_backed``.

The image holds no data. Each of the server's volumes is snapshotted
through the Block Storage API (with ``force``: they are attached), and the
image, of size 0, records those snapshots as its block device mapping (v2:
source ``snapshot``, destination ``volume``, the mapping's size, boot index
and ``delete_on_termination``) with ``bdm_v2`` and ``root_device_name``.
Booting from the image makes each volume anew from its snapshot
(:func:`novalite.compute.block_device.image_mappings`).

An active guest is quiesced first if it can be (its image asks for the
guest agent and the agent freezes its filesystems), as Nova does; if it
cannot, the snapshots are taken anyway, unless the image says
``os_require_quiesce``. Its host thaws it once the snapshots are taken
(:mod:`novalite.compute.quiesce`).

The image properties are strings, as Glance v2 keeps them (the mapping is
JSON), so the image reads the same from novalite's image service and a real
Glance. The snapshots are taken before the image is registered; if one
fails, those already taken are deleted once their copy ended (a snapshot
being taken cannot be deleted) and no image is made.
"""

import json

from oslo_log import log as logging
from oslo_utils import strutils

from novalite import exception
from novalite.compute import actions, block_device, boot_volumes, image_actions, vm_states
from novalite.db import block_device_mappings
from novalite.volume import cinder

LOG = logging.getLogger(__name__)

# What an image mapping keeps of the server's mapping (Nova's snapshot_from_bdm).
_KEPT = ('disk_bus', 'device_type', 'boot_index', 'delete_on_termination', 'volume_size',
         'device_name')
# Properties the new image sets itself (and never inherits).
_OWN = ('block_device_mapping', 'bdm_v2', 'root_device_name')


def snapshot(context, image_service, compute_rpcapi, instance, name, extra_properties=None,
             volume_api=None):
    """Snapshot the server's volumes into a new image of size 0; returns its record (active).

    :raises InstanceInvalidState: not active, stopped, paused or suspended, or busy (409).
    :raises InstanceIsLocked: (409).
    :raises OverQuota: the project's snapshot quota cannot take one per volume (403).
    :raises QemuGuestAgentNotEnabled, InstanceQuiesceFailed: the image requires
        quiescing and the guest could not be; nothing was taken.
    """
    actions.check_state(instance, 'createImage', image_actions.SNAPSHOT)
    actions.check_lock(context, instance)
    volume_api = volume_api or cinder.API()
    record = image_actions.snapshot_record(context, instance, name, 'snapshot',
                                           extra_properties)
    bdms = [bdm for bdm in block_device_mappings.bdm_get_by_instance(instance['uuid'])
            if bdm.get('volume_id')]
    _check_quota(context, volume_api, len(bdms))
    mapping = _take(context, compute_rpcapi, volume_api, instance, bdms, name)
    properties = {key: value for key, value in record['properties'].items()
                  if key not in _OWN}
    properties.update(root_device_name=block_device.ROOT_DEVICE, bdm_v2='True',
                      block_device_mapping=json.dumps(mapping))
    # Zero bytes of data activate it; Glance takes no other format for them.
    image = image_service.create_record(
        dict(record, properties=properties, disk_format='raw', container_format='bare'),
        context=context)
    LOG.info("Image %s of volume-backed instance %s: snapshots %s", image['id'],
             instance['uuid'], [m['snapshot_id'] for m in mapping])
    return image_service.upload(image['id'], iter([b'']), context=context)


def _take(context, compute_rpcapi, volume_api, instance, bdms, name):
    """The snapshots of ``bdms`` as image mappings, the guest quiesced meanwhile if it can be."""
    quiesced = _quiesce(context, compute_rpcapi, instance)
    try:
        actions.record(context, instance, 'createImage')
        mapping = _snapshot_volumes(context, volume_api, bdms, name)
    except Exception:
        if quiesced:
            compute_rpcapi.unquiesce_instance(context, instance)
        raise
    if quiesced:
        compute_rpcapi.unquiesce_instance(context, instance, mapping)
    return mapping


def _quiesce(context, compute_rpcapi, instance):
    """Freeze an active guest's filesystems if it can be done; returns whether they are."""
    if instance['vm_state'] != vm_states.ACTIVE:
        return False
    try:
        compute_rpcapi.quiesce_instance(context, instance)
    except exception.NovaliteException as exc:
        required = (instance.get('system_metadata') or {}).get('image_os_require_quiesce')
        if strutils.bool_from_string(required):
            raise
        LOG.info("Snapshots of instance %s without quiescing: %s", instance['uuid'],
                 exc.format_message())
        return False
    return True


def _check_quota(context, volume_api, count):
    """Nova's up-front check, so no request stops over quota half-way through the volumes."""
    limits = volume_api.get_absolute_limits(context)
    allowed = limits.get('maxTotalSnapshots', -1)
    if allowed > -1 and limits.get('totalSnapshotsUsed', 0) + count > allowed:
        raise exception.OverQuota(overs='snapshots')


def _snapshot_volumes(context, volume_api, bdms, name):
    """One snapshot per volume; the image mappings. Undone if one fails."""
    mapping = []
    try:
        for bdm in bdms:
            volume = volume_api.get(context, bdm['volume_id'])
            snapshot = volume_api.create_snapshot_force(
                context, volume['id'], f'snapshot for {name}', volume.get('description'))
            mapping.append(dict({key: bdm.get(key) for key in _KEPT},
                                source_type='snapshot', destination_type='volume',
                                snapshot_id=snapshot['id']))
    except Exception:
        for taken in mapping:
            _delete_snapshot(context, volume_api, taken['snapshot_id'])
        raise
    return mapping


def _delete_snapshot(context, volume_api, snapshot_id):
    try:
        boot_volumes.wait_available(volume_api.get_snapshot, context, snapshot_id)
    except exception.VolumeNotCreated:
        LOG.warning("Snapshot %s did not become available; deleting it anyway", snapshot_id)
    try:
        volume_api.delete_snapshot(context, snapshot_id)
    except Exception:
        LOG.exception("Could not delete snapshot %s", snapshot_id)
