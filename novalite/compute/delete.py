"""Deleting a server: it wins over whatever else the server is doing.

The API first moves the server to task_state ``deleting`` from whatever
state it is in, with a conditional UPDATE retried against the state it
finds. From then on nothing else moves it: the conductor places only
servers still ``scheduling``, and a compute host's build and actions step
only from the state they left, so they stop at their next step. The server
is then deleted here when no live compute host owns it (its claim and
addresses are freed; a host that was only thought down destroys the guest
when its reaper finds it unowned), or on its host, which destroys the guest
and frees the rest under the instance's lock, once any build or action in
flight there has stopped. ``deleting`` is persisted before the cast, so a
host that dies mid-way finishes the delete when it starts again.
"""

from oslo_log import log as logging

from novalite import exception, servicegroup
from novalite.compute import actions, image_actions, vm_states, volumes
from novalite.db import actions as db_actions
from novalite.db import block_device_mappings, claims, console_auth_tokens, instances, services
from novalite.image import client as image_client
from novalite.network import api as network_api
from novalite.volume import cinder

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'novalite-compute'

# The state can move under a delete only a few times (a build's or an
# action's remaining steps); each attempt reads it afresh.
_MARK_ATTEMPTS = 10


def delete(context, compute_rpcapi, instance):
    """Delete ``instance`` whatever its state.

    A second delete of a server being deleted on a live host does nothing
    more; on a down host it finishes the delete here.

    :raises InstanceIsLocked: locked, and the caller is not an admin.
    :raises InstanceNotFound: it was deleted meanwhile.
    """
    actions.check_lock(context, instance)
    actions.record(context, instance, 'delete')
    if instance['vm_state'] in (vm_states.SHELVED, vm_states.SHELVED_OFFLOADED):
        _delete_shelved_image(context, instance)
    # A deleted guest's console port may soon be another guest's.
    console_auth_tokens.tokens_destroy_for_instance(instance['uuid'])
    instance, already = mark_deleting(instance['uuid'])
    if not instance['host'] or not host_is_up(instance['host']):
        local_delete(context, instance)
    elif not already:
        compute_rpcapi.terminate_instance(context, instance)


def _delete_shelved_image(context, instance):
    """A shelved server's snapshot goes with it, as in Nova (best effort)."""
    image_id = (instance.get('system_metadata') or {}).get('shelved_image_id')
    if image_id:
        LOG.info("Deleting image %s of shelved instance %s", image_id, instance['uuid'])
        image_actions.delete_image(context, image_client.get_image_service(), image_id)


def host_is_up(host):
    found = services.service_get_all(binary=COMPUTE_BINARY, host=host)
    return bool(found) and servicegroup.is_up(found[0])


def mark_deleting(instance_uuid):
    """Move an instance to task_state ``deleting`` from the state it is in.

    Returns ``(instance, already)``: the instance as marked, and whether a
    delete had marked it before.

    :raises InstanceNotFound:
    """
    for _attempt in range(_MARK_ATTEMPTS):
        current = instances.instance_get(instance_uuid)
        if current['task_state'] == vm_states.DELETING:
            return current, True
        try:
            return instances.instance_update(
                instance_uuid, {'task_state': vm_states.DELETING},
                expected_task_state=[current['task_state']],
                expected_vm_state=[current['vm_state']]), False
        except exception.UnexpectedTaskStateError:
            LOG.debug('Instance %s moved while being marked for deletion; reading it again',
                      instance_uuid)
    raise exception.InstanceInvalidState(method='delete', instance_uuid=instance_uuid,
                                         attr='task_state', state=current['task_state'])


def local_delete(context, instance):
    """Delete an instance no live compute host owns: claim, addresses, row, action."""
    instance_uuid = instance['uuid']
    LOG.info("Deleting instance %s locally: no live compute host owns it", instance_uuid)
    claims.release(instance_uuid)
    network_api.deallocate_for_instance(context, instance_uuid)
    _release_volumes(context, instance_uuid)
    try:
        instances.instance_destroy(instance_uuid)
    except exception.InstanceNotFound:
        return
    try:
        db_actions.action_finish(instance_uuid, context.request_id)
    except exception.InstanceActionNotFound:
        LOG.debug('No action %s on %s to finish', context.request_id, instance_uuid)


def _release_volumes(context, instance_uuid):
    """Free a locally deleted server's volumes (its host is down or it never had one)."""
    mappings = block_device_mappings.bdm_get_by_instance(instance_uuid)
    if mappings:
        volume_api = cinder.API()
        for bdm in mappings:
            volumes.release(volume_api, context, bdm)
    block_device_mappings.bdm_destroy_by_instance(instance_uuid)
