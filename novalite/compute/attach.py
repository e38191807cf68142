"""Attaching and detaching volumes, the compute API's side (it runs in novalite-api).

Attach reserves a device name (the block device mapping, in one transaction
with the names the server already uses) and the volume (an attachment
without connector, which fails with 400 if the volume is not available, so
two racing attaches of one volume cannot both win), records the action and
casts to the server's host, which connects and attaches
(:mod:`novalite.compute.volumes`). Either reservation is undone if the
next step fails. The volume API is reached over HTTP only.
"""

from novalite import exception
from novalite.compute import actions, vm_states
from novalite.db import block_device_mappings as bdms
from novalite.volume import cinder

# Nova's: a volume can be attached to a server in these states.
_ATTACHABLE = (vm_states.ACTIVE, vm_states.PAUSED, vm_states.STOPPED, vm_states.SUSPENDED)


def _check_server(context, instance, action):
    actions.check_lock(context, instance)
    if not instance['host']:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    if instance['vm_state'] not in _ATTACHABLE or instance['task_state'] is not None:
        state = instance['task_state'] or instance['vm_state']
        attr = 'task_state' if instance['task_state'] else 'vm_state'
        raise exception.InstanceInvalidState(method=action, instance_uuid=instance['uuid'],
                                             attr=attr, state=state)


def _volume(volume_api, context, volume_id):
    """:raises VolumeNotFound: (404) :raises InvalidVolume: not available (400)."""
    volume = volume_api.get(context, volume_id)
    if volume.get('multiattach'):
        # Neither driver shares a disk between guests.
        raise exception.MultiattachNotSupportedByVirtDriver(volume_id=volume_id)
    if volume['status'] != 'available':
        raise exception.InvalidVolume(
            reason=f"volume {volume_id} status must be 'available', but it is "
                   f"'{volume['status']}'")
    return volume


def attach(context, compute_rpcapi, instance, volume_id, device=None, tag=None,
           delete_on_termination=False, volume_api=None):
    """Reserve device and volume, then cast the attach; returns the mapping.

    :raises InstanceInvalidState: the server is busy or not running/stopped (409).
    :raises VolumeNotFound: (404).
    :raises MultiattachNotSupportedByVirtDriver: a multiattach volume (409).
    :raises InvalidVolume: the volume is not available, e.g. attached elsewhere (400).
    :raises Invalid: ``device`` is in use on the server (400).
    """
    volume_api = volume_api or cinder.API()
    _check_server(context, instance, 'attach_volume')
    _volume(volume_api, context, volume_id)
    for mapping in bdms.bdm_get_by_instance(instance['uuid']):
        if mapping['volume_id'] == volume_id:
            raise exception.InvalidVolume(
                reason=f"volume {volume_id} is already attached to this server")
    bdm = bdms.bdm_reserve(instance['uuid'], {
        'source_type': 'volume', 'destination_type': 'volume', 'volume_id': volume_id,
        'delete_on_termination': bool(delete_on_termination), 'tag': tag,
        'device_type': 'disk', 'disk_bus': 'virtio'}, device_name=device)
    try:
        attachment = _reserve(volume_api, context, volume_id, instance['uuid'])
        bdm = bdms.bdm_update(bdm['uuid'], {'attachment_id': attachment['id']})
        actions.record(context, instance, 'attach_volume')
        compute_rpcapi.attach_volume(context, instance, bdm)
    except Exception:
        if bdm.get('attachment_id'):
            volume_api.attachment_delete(context, bdm['attachment_id'])
        bdms.bdm_destroy(bdm['uuid'])
        raise
    return bdm


def _reserve(volume_api, context, volume_id, instance_uuid):
    try:
        return volume_api.attachment_create(context, volume_id, instance_uuid)
    except exception.VolumeServiceError as exc:
        if exc.code == 400:
            raise exception.InvalidVolume(reason=exc.format_message()) from None
        raise


def detach(context, compute_rpcapi, instance, volume_id, volume_api=None):
    """Mark the volume ``detaching`` and cast its detach to the server's host.

    :raises VolumeDeviceNotFound: not attached to this server (404).
    :raises Invalid: it is the server's boot volume (400).
    :raises InvalidVolume: not ``in-use``: still attaching, or a detach is
        already under way (400, as Nova with Cinder's ``os-begin_detaching``).
    """
    volume_api = volume_api or cinder.API()
    _check_server(context, instance, 'detach_volume')
    bdm = bdms.bdm_get_by_volume(instance['uuid'], volume_id)
    if bdm.get('boot_index') == 0:
        raise exception.Invalid("Cannot detach a root device volume")
    _begin_detaching(volume_api, context, volume_id)
    try:
        actions.record(context, instance, 'detach_volume')
        compute_rpcapi.detach_volume(context, instance, bdm)
    except Exception:
        volume_api.roll_detaching(context, volume_id)
        raise


def _begin_detaching(volume_api, context, volume_id):
    try:
        volume_api.begin_detaching(context, volume_id)
    except exception.VolumeServiceError as exc:
        if exc.code == 400:
            raise exception.InvalidVolume(reason=exc.format_message()) from None
        raise


def update(context, instance, volume_id, delete_on_termination):
    """2.85: change whether the volume goes with the server. :raises VolumeDeviceNotFound:"""
    actions.check_lock(context, instance)
    bdm = bdms.bdm_get_by_volume(instance['uuid'], volume_id)
    return bdms.bdm_update(bdm['uuid'], {'delete_on_termination': bool(delete_on_termination)})
