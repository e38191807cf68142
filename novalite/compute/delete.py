"""Deleting a server: on its compute host when a live one owns it, else here.

A server that never reached a host, or whose host is down, is deleted
locally: its claim and addresses are released and its row destroyed in the
API. Otherwise ``task_state=deleting`` is persisted before the cast, so a
compute host that dies mid-way finishes the delete when it starts again.
"""

from oslo_log import log as logging

from novalite import exception, servicegroup
from novalite.compute import actions, vm_states
from novalite.db import actions as db_actions
from novalite.db import claims, instances, services
from novalite.network import api as network_api

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'novalite-compute'


def delete(context, compute_rpcapi, instance):
    """Delete ``instance``. A second delete while one is in progress does nothing.

    :raises InstanceIsLocked: locked, and the caller is not an admin.
    """
    if instance['task_state'] == vm_states.DELETING:
        return
    actions.check_lock(context, instance)
    actions.record(context, instance, 'delete')
    if not instance['host'] or not host_is_up(instance['host']):
        _local_delete(context, instance)
        return
    instance = _mark_deleting(instance)
    if instance is not None:
        compute_rpcapi.terminate_instance(context, instance)


def host_is_up(host):
    found = services.service_get_all(binary=COMPUTE_BINARY, host=host)
    return bool(found) and servicegroup.is_up(found[0])


def _mark_deleting(instance):
    """Persist ``deleting`` over whatever task the server runs; None if already deleting."""
    try:
        return instances.instance_update(instance['uuid'], {'task_state': vm_states.DELETING},
                                         expected_task_state=[instance['task_state']])
    except exception.UnexpectedTaskStateError:
        current = instances.instance_get(instance['uuid'])
        if current['task_state'] == vm_states.DELETING:
            return None
        return instances.instance_update(current['uuid'], {'task_state': vm_states.DELETING},
                                         expected_task_state=[current['task_state']])


def _local_delete(context, instance):
    instance_uuid = instance['uuid']
    LOG.info("Deleting instance %s locally: no live compute host owns it", instance_uuid)
    claims.release(instance_uuid)
    network_api.deallocate_for_instance(context, instance_uuid)
    instances.instance_destroy(instance_uuid)
    db_actions.action_finish(instance_uuid, context.request_id)
