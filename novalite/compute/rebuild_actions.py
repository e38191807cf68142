"""Rebuild and evacuate from the API: what a user can get wrong, then the hand-over.

Both are Nova's ``rebuild_instance``: a rebuild re-images the server on its
own host, an evacuation recreates it on another host because its own is
down. Each checks state, lock, image, key pair and quotas before it writes;
then one conditional update persists ``rebuilding`` with every new value
(image, name, metadata, key, user data, hostname...), the instance action is
recorded and the conductor takes over (:mod:`novalite.conductor.rebuild`).
An evacuation also writes its migration record (type ``evacuation``) first,
so the move is visible from the moment it is accepted.

A server booted from a volume keeps an empty ``image_ref`` (Nova's mark of
one) and the image its boot volume was made from: below 2.93 it is rebuilt
with that image only (its guest recreated over the same volume), any other
is refused as Nova refuses it. From 2.93 (``reimage_boot_volume``) the
image, the same or another, is written over its boot volume: that rebuild
goes straight to the server's host over compute RPC 1.18, which carries
the flag (the conductor only forwards a rebuild in place).
"""

import dataclasses

from novalite import exception, quota, servicegroup
from novalite.compute import actions, create, create_checks, vm_states
from novalite.db import block_device_mappings as bdms
from novalite.db import instances, server_migrations, services
from novalite.volume import cinder

COMPUTE_BINARY = 'novalite-compute'
# Nova's check_instance_state for rebuild and evacuate.
_REBUILD = actions.Transition([vm_states.ACTIVE, vm_states.STOPPED, vm_states.ERROR], [None],
                              vm_states.REBUILDING, None)
_UNSET = object()


@dataclasses.dataclass
class RebuildRequest:
    """What a ``rebuild`` body asks for; ``_UNSET`` fields keep the server's value."""

    image_id: str
    admin_password: str | None = None
    name: object = _UNSET
    metadata: object = _UNSET
    access_ip_v4: object = _UNSET
    access_ip_v6: object = _UNSET
    description: object = _UNSET
    key_name: object = _UNSET
    user_data: object = _UNSET
    hostname: object = _UNSET
    auto_disk_config: bool | None = None
    personality: list = dataclasses.field(default_factory=list)
    preserve_ephemeral: bool = False
    reimage_boot_volume: bool = False

    UNSET = _UNSET


def rebuild(context, task_api, image_service, instance, request, volume_api=None,
            compute_api=None):
    """Re-image ``instance`` on its host with ``request`` (a :class:`RebuildRequest`).

    :returns: the instance as persisted, in ``rebuilding``.
    :raises InstanceInvalidState: not active, stopped or in error, or busy (409).
    :raises InstanceIsLocked: locked, and the caller is not an admin (409).
    :raises Invalid: an unknown or inactive image, one the flavor cannot hold,
        an unknown key pair, another image than its boot volume's for a
        server booted from a volume before 2.93 (400).
    :raises QuotaError: too many metadata items or personality files (403).
    :raises ComputeHostTooOld: the boot volume is to be re-imaged and the
        compute hosts are capped below 1.18 (409).
    """
    _check_startable(context, instance, 'rebuild')
    image = _resolve_image(context, image_service, request.image_id, instance)
    orig_image_ref = _boot_volume_image(context, instance, volume_api)
    reimage = orig_image_ref is not None and request.reimage_boot_volume
    if orig_image_ref is None:
        orig_image_ref = instance['image_ref']
    elif orig_image_ref != image['id'] and not reimage:
        raise exception.ImageUnacceptable(
            image_id=image['id'],
            reason="Unable to rebuild with a different image for a volume-backed server.")
    if reimage and not compute_api.supports_reimage():
        raise exception.Conflict("The server's compute host is too old to re-image its "
                                 "boot volume ([upgrade_levels] compute is below 1.18).")
    values = _new_values(context, instance, request, image)
    files = [(item['path'], item['contents']) for item in request.personality]
    quota.check_injected_files(context, files or None)
    instance = _persist(context, instance, 'rebuild', values)
    kwargs = {'injected_files': request.personality, 'new_pass': request.admin_password,
              'preserve_ephemeral': request.preserve_ephemeral}
    if reimage:
        compute_api.rebuild_instance(context, instance['host'], instance, orig_image_ref,
                                     image['id'], reimage_boot_volume=True, **kwargs)
    else:
        task_api.rebuild_instance(context, instance, orig_image_ref, image['id'], **kwargs)
    return instance


def evacuate(context, task_api, instance, host=None, admin_password=None, force=False,
             target_state=None):
    """Recreate ``instance`` on ``host`` (or a scheduled one) since its host is down.

    :param target_state: ``stopped`` (2.95) leaves it powered off there.
    :returns: the migration record.
    :raises ComputeHostNotFound: ``host`` runs no compute service (404).
    :raises Invalid: ``host`` is the server's own host (400).
    :raises ComputeServiceStillUp: the server's host is up (400).
    :raises InstanceInvalidState: not active, stopped or in error, or busy (409).
    """
    if host is not None and not services.service_get_all(binary=COMPUTE_BINARY, host=host):
        raise exception.ComputeHostNotFound(host=host)
    if host is not None and host == instance['host']:
        raise exception.Invalid("The target host can't be the same one.")
    _check_startable(context, instance, 'evacuate')
    _check_source_down(instance['host'])
    instance = _persist(context, instance, 'evacuate', {})
    migration = server_migrations.migration_create(instance, 'evacuation', status='accepted')
    task_api.rebuild_instance(context, instance, instance['image_ref'], instance['image_ref'],
                              new_pass=admin_password, recreate=True, host=host, force=force,
                              migration=migration, target_state=target_state)
    return migration


def _check_startable(context, instance, action):
    actions.check_state(instance, action, _REBUILD)
    actions.check_lock(context, instance)
    if not instance['host']:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])


def _boot_volume_image(context, instance, volume_api=None):
    """The image the boot volume was made from (``''`` if none); None: not volume-backed.

    Read from the volume, as Nova does: after a re-image (2.93) it is the new one.
    """
    root = next((bdm for bdm in bdms.bdm_get_by_instance(instance['uuid'])
                 if bdm.get('volume_id') and str(bdm.get('boot_index')) == '0'), None)
    if root is None:
        return None
    volume = (volume_api or cinder.API()).get(context, root['volume_id'])
    return (volume.get('volume_image_metadata') or {}).get('image_id') or ''


def _check_source_down(host):
    """An evacuation is for a server whose host is dead: its heartbeat or forced_down says."""
    found = services.service_get_all(binary=COMPUTE_BINARY, host=host)
    if found and servicegroup.is_up(found[0]):
        raise exception.ComputeServiceStillUp(host=host)


def _resolve_image(context, image_service, image_id, instance):
    try:
        image = image_service.show(image_id, context)
    except exception.ImageNotFound:
        raise exception.Invalid("Cannot find image for rebuild") from None
    if image.get('status') != 'active':
        raise exception.Invalid(f"Image {image_id} is not active.")
    create_checks.check_image_fits(image, instance['flavor'])
    return image


def _new_values(context, instance, request, image):
    """The instance's columns after the rebuild (checked: key pair, metadata quota)."""
    properties = image.get('properties') or {}
    sysmeta = {key: value for key, value in (instance['system_metadata'] or {}).items()
               if not key.startswith('image_')}
    sysmeta.update(create.image_system_metadata(image))
    if request.auto_disk_config is not None:
        sysmeta['auto_disk_config'] = str(request.auto_disk_config)
    # An empty image_ref marks a server booted from a volume: it stays empty.
    values = {'image_ref': image['id'] if instance['image_ref'] else '',
              'kernel_id': properties.get('kernel_id'),
              'ramdisk_id': properties.get('ramdisk_id'), 'progress': 0,
              'system_metadata': sysmeta}
    spec = instances.request_spec_get(instance['uuid'])
    if spec:
        values['request_spec'] = dict(spec, image=image)
    if request.metadata is not _UNSET:
        quota.check_metadata(context, request.metadata)
        values['metadata'] = dict(request.metadata)
    if request.key_name is not _UNSET:
        values['key_name'] = request.key_name
        values['key_data'] = create_checks.key_data_of(context, request.key_name)
    for field, column in (('name', 'display_name'), ('access_ip_v4', 'access_ip_v4'),
                          ('access_ip_v6', 'access_ip_v6'), ('user_data', 'user_data'),
                          ('description', 'display_description'), ('hostname', 'hostname')):
        if getattr(request, field) is not _UNSET:
            values[column] = getattr(request, field)
    return values


def _persist(context, instance, action, values):
    """Persist ``rebuilding`` and ``values`` in one conditional update; record the action."""
    try:
        instance = instances.instance_update(
            instance['uuid'], dict(values, task_state=vm_states.REBUILDING),
            expected_task_state=_REBUILD.allowed_task_states,
            expected_vm_state=_REBUILD.allowed_vm_states)
    except exception.UnexpectedTaskStateError:
        actions.check_state(instances.instance_get(instance['uuid']), action, _REBUILD)
        raise
    actions.record(context, instance, action)
    return instance
