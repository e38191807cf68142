"""Shelving from the API: shelve, shelveOffload and unshelve.

Shelve registers the server's snapshot image (``<name>-shelved``) the way
createImage does, persists ``shelving`` and casts to the host
(:mod:`novalite.compute.shelving`). A server booted from a volume has no
disk to image: as Nova does, it is offloaded at once (``shelving_offloading``),
keeping its volumes. Offload goes to the host too. Unshelve
goes to the conductor, which powers a shelved server on where it is or
schedules an offloaded one anew (:mod:`novalite.conductor.unshelve`), in
the zone and on the host the request names (2.77, 2.91).
"""

from novalite import exception
from novalite.compute import actions, create_checks, image_actions, vm_states
from novalite.db import instances, services

SHELVE = actions.Transition(
    [vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED, vm_states.SUSPENDED], [None],
    vm_states.SHELVING, 'shelve_instance')
OFFLOAD = actions.Transition([vm_states.SHELVED], [None], vm_states.SHELVING_OFFLOADING,
                             'shelve_offload_instance')
# A volume-backed server skips ``shelved``: its host is freed at once.
SHELVE_VOLUME_BACKED = actions.Transition(SHELVE.allowed_vm_states, [None],
                                          vm_states.SHELVING_OFFLOADING,
                                          'shelve_offload_instance')
UNSHELVE = actions.Transition([vm_states.SHELVED, vm_states.SHELVED_OFFLOADED], [None],
                              vm_states.UNSHELVING, None)

# ``availability_zone`` not given (as opposed to given as null, which unpins).
KEEP_ZONE = object()


def shelve(context, image_service, compute_rpcapi, instance, clean_shutdown=True):
    """Snapshot the server into ``<name>-shelved`` and power it off on its host; returns
    the image (None for a server booted from a volume, offloaded at once instead).

    :raises InstanceInvalidState: not active, stopped, paused or suspended, or busy (409).
    """
    if image_actions.is_volume_backed(instance):
        instance = actions.begin(context, instance, 'shelve', SHELVE_VOLUME_BACKED)
        compute_rpcapi.shelve_offload_instance(context, instance,
                                               clean_shutdown=clean_shutdown)
        return None
    image = image_actions.begin_image(
        context, image_service, instance, f"{instance['display_name']}-shelved", 'shelve',
        SHELVE, 'snapshot')
    compute_rpcapi.shelve_instance(context, instance, image['id'],
                                   clean_shutdown=clean_shutdown)
    return image


def shelve_offload(context, compute_rpcapi, instance, clean_shutdown=True):
    """Free the host of a shelved server. :raises InstanceInvalidState: not shelved (409)."""
    instance = actions.begin(context, instance, 'shelveOffload', OFFLOAD)
    compute_rpcapi.shelve_offload_instance(context, instance, clean_shutdown=clean_shutdown)


def unshelve(context, task_api, instance, availability_zone=KEEP_ZONE, host=None):
    """Bring a shelved server back, in ``availability_zone`` (None: any) and on ``host``.

    :raises UnshelveInstanceInvalidState: a zone or host for a server not offloaded (409).
    :raises UnshelveHostNotInAZ: ``host`` is not in ``availability_zone`` (409).
    :raises Invalid: an unknown zone or host (400).
    """
    actions.check_lock(context, instance)
    actions.check_state(instance, 'unshelve', UNSHELVE)
    zone_given = availability_zone is not KEEP_ZONE
    if instance['vm_state'] == vm_states.SHELVED and (host or zone_given):
        raise exception.UnshelveInstanceInvalidState(instance_uuid=instance['uuid'],
                                           state=instance['vm_state'])
    if not zone_given:
        spec = instances.request_spec_get(instance['uuid']) or {}
        availability_zone = spec.get('availability_zone')
    elif availability_zone is not None:
        create_checks.check_zone(availability_zone)
    if host:
        _check_host(host, availability_zone if zone_given else None)
    if instance['vm_state'] == vm_states.SHELVED:
        instance = actions.begin(context, instance, 'unshelve', UNSHELVE)
    else:
        instance = _begin_offloaded(context, instance)
    task_api.unshelve_instance(context, instance, availability_zone, host)


def _check_host(host, availability_zone):
    zones = services.zones_by_host()
    if host not in zones and not services.compute_node_get_all(host=host):
        raise exception.Invalid(f"Compute host {host} could not be found.")
    if availability_zone and zones.get(host) != availability_zone:
        raise exception.UnshelveHostNotInAZ(host=host, availability_zone=availability_zone)


def _begin_offloaded(context, instance):
    """:func:`actions.begin` for a server with no host (offloaded servers have none)."""
    actions.check_state(instance, 'unshelve', UNSHELVE)
    try:
        instance = instances.instance_update(
            instance['uuid'], {'task_state': vm_states.UNSHELVING},
            expected_task_state=[None], expected_vm_state=[vm_states.SHELVED_OFFLOADED])
    except exception.UnexpectedTaskStateError:
        actions.check_state(instances.instance_get(instance['uuid']), 'unshelve', UNSHELVE)
        raise
    actions.record(context, instance, 'unshelve')
    return instance
