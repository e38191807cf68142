"""Soft delete (``[DEFAULT] reclaim_instance_interval``), restore and force delete.

With a positive interval a DELETE of a server that has run keeps it: the
API moves it to task_state ``soft-deleting`` (stamping ``deleted_at``) and
its host powers the guest off and leaves it ``soft-delete``
(``SOFT_DELETED``). It no longer counts against the quota. ``restore``
checks the quota again (the server counts from that moment), and its host
powers the guest on: ``active``. ``forceDelete`` deletes it now; the host
deletes it for good once ``deleted_at`` is older than the interval. A
server that never ran, is busy, or whose host is down is deleted at once,
as Nova does.
"""

import types

from oslo_utils import timeutils

from novalite import exception, quota
from novalite.compute import actions, delete, vm_states
from novalite.conf import CONF
from novalite.db import instances

RESTORE = actions.Transition([vm_states.SOFT_DELETED], [None], vm_states.RESTORING,
                             'restore_instance')


def enabled(conf=CONF):
    return conf.reclaim_instance_interval > 0


def delete_or_soft_delete(context, compute_rpcapi, instance):
    """A user's DELETE: soft when the interval is set and the server can be kept.

    :raises InstanceIsLocked: locked, and the caller is not an admin.
    """
    if not enabled() or not compute_rpcapi.supports_soft_delete() or not _can_keep(instance):
        delete.delete(context, compute_rpcapi, instance)
        return
    actions.check_lock(context, instance)
    try:
        instance = instances.instance_update(
            instance['uuid'], {'task_state': vm_states.SOFT_DELETING,
                               'deleted_at': timeutils.utcnow()},
            expected_task_state=[None], expected_vm_state=[instance['vm_state']])
    except exception.UnexpectedTaskStateError:
        # Busy meanwhile: a delete wins over whatever it is doing.
        delete.delete(context, compute_rpcapi, instance)
        return
    actions.record(context, instance, 'delete')
    compute_rpcapi.soft_delete_instance(context, instance)


def _can_keep(instance):
    """Nova soft-deletes only a launched, idle server on a live host."""
    return (instance['launched_at'] is not None and instance['task_state'] is None
            and bool(instance['host']) and delete.host_is_up(instance['host']))


def restore(context, compute_rpcapi, instance):
    """Bring a soft-deleted server back, if its project's quota has room.

    :raises InstanceInvalidState: not soft-deleted, or busy (409).
    :raises InstanceIsLocked: (409).
    :raises TooManyInstances: the quota is full (403).
    """
    actions.check_state(instance, 'restore', RESTORE)
    actions.check_lock(context, instance)
    if instance['host'] and not compute_rpcapi.supports_soft_delete():
        raise exception.Invalid("The server's compute host is too old to restore servers")
    owner = types.SimpleNamespace(project_id=instance['project_id'],
                                  user_id=instance['user_id'])
    # Held until task_state says restoring, from when the server counts.
    with quota.check_and_reserve(owner, instance['flavor'], 1, 1):
        values = {'task_state': vm_states.RESTORING, 'deleted_at': None}
        if not instance['host']:
            values = {'vm_state': vm_states.ACTIVE, 'task_state': None, 'deleted_at': None}
        try:
            instance = instances.instance_update(
                instance['uuid'], values, expected_task_state=RESTORE.allowed_task_states,
                expected_vm_state=RESTORE.allowed_vm_states)
        except exception.UnexpectedTaskStateError:
            actions.check_state(instances.instance_get(instance['uuid']), 'restore', RESTORE)
            raise
    actions.record(context, instance, 'restore')
    if instance['host']:
        compute_rpcapi.restore_instance(context, instance)


def force_delete(context, compute_rpcapi, instance):
    """Delete now, soft-deleted or not. :raises InstanceIsLocked: (409)."""
    delete.delete(context, compute_rpcapi, instance)
