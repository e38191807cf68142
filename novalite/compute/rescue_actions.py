"""Rescue, unrescue and changePassword as the API starts them (Nova's compute API).

Each checks what Nova checks, persists its task state with the instance
action (:func:`novalite.compute.actions.begin`), then sends the work to the
server's host; the host's side is :mod:`novalite.compute.rescue`.
"""

from novalite import exception
from novalite.compute import actions, vm_states
from novalite.db import block_device_mappings

RESCUE = actions.Transition([vm_states.ACTIVE, vm_states.STOPPED, vm_states.ERROR], [None],
                            vm_states.RESCUING, 'rescue_instance')
UNRESCUE = actions.Transition([vm_states.RESCUED], [None], vm_states.UNRESCUING,
                              'unrescue_instance')
CHANGE_PASSWORD = actions.Transition([vm_states.ACTIVE], [None], vm_states.UPDATING_PASSWORD,
                                     'set_admin_password')


def _image_properties(instance):
    sysmeta = instance.get('system_metadata') or {}
    return {key[len('image_'):]: value for key, value in sysmeta.items()
            if key.startswith('image_')}


def _rescue_image_properties(context, image_service, instance, rescue_image_ref):
    """:raises UnsupportedRescueImage: no such image, or a volume snapshot's."""
    if not rescue_image_ref:
        return _image_properties(instance)
    try:
        image = image_service.show(rescue_image_ref, context)
    except (exception.ImageNotFound, exception.Invalid):
        raise exception.UnsupportedRescueImage(image=rescue_image_ref) from None
    properties = image.get('properties') or {}
    # Nova cannot rescue with a volume snapshot's image either.
    if properties.get('img_block_device_mapping'):
        raise exception.UnsupportedRescueImage(image=rescue_image_ref)
    return properties


def _volume_backed(instance):
    if not instance.get('image_ref'):
        return True
    return any(bdm.get('boot_index') == 0 and bdm.get('destination_type') == 'volume'
               for bdm in block_device_mappings.bdm_get_by_instance(instance['uuid']))


def rescue(context, compute_rpcapi, image_service, instance, rescue_password,
           rescue_image_ref=None, allow_bfv_rescue=False):
    """Start a rescue.

    :param allow_bfv_rescue: the request's microversion is 2.87 or later.
    :raises InstanceInvalidState, InstanceIsLocked: as for every action (409).
    :raises UnsupportedRescueImage, InstanceNotRescuable: 400.
    """
    compute_rpcapi.check_version_1_10('rescue servers')
    # Nova checks lock and state (409) before the image (400).
    actions.check_lock(context, instance)
    actions.check_state(instance, 'rescue', RESCUE)
    properties = _rescue_image_properties(context, image_service, instance, rescue_image_ref)
    if _volume_backed(instance) and not (
            allow_bfv_rescue and 'hw_rescue_bus' in properties
            and 'hw_rescue_device' in properties):
        raise exception.InstanceNotRescuable(instance_id=instance['uuid'],
                                             reason="Cannot rescue a volume-backed instance")
    instance = actions.begin(context, instance, 'rescue', RESCUE)
    compute_rpcapi.rescue_instance(context, instance, rescue_password=rescue_password,
                                   rescue_image_ref=rescue_image_ref)


def unrescue(context, compute_rpcapi, instance):
    compute_rpcapi.check_version_1_10('unrescue servers')
    instance = actions.begin(context, instance, 'unrescue', UNRESCUE)
    compute_rpcapi.unrescue_instance(context, instance)


def set_admin_password(context, compute_rpcapi, instance, password):
    """Change the admin password inside the guest; returns once the host has.

    :raises InstanceAgentNotEnabled, InstancePasswordSetFailed,
        SetAdminPasswdNotSupported: 409; PasswordSetNotImplemented: 501.
    """
    compute_rpcapi.check_version_1_10('change passwords')
    instance = actions.begin(context, instance, 'changePassword', CHANGE_PASSWORD)
    compute_rpcapi.set_admin_password(context, instance, password)
