"""A compute host's side of soft delete: power off, power on, and reclaim.

``soft_delete_instance`` and ``restore_instance`` are power actions that end
in ``soft-delete`` and ``active``; the periodic reclaim deletes for good the
host's soft-deleted servers whose ``deleted_at`` is older than
``[DEFAULT] reclaim_instance_interval`` (Nova's ``_reclaim_queued_deletes``).
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

from novalite.compute import build, vm_states
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

# (event, task_state while running, driver method, values after)
SOFT_DELETE = ('compute_soft_delete_instance', vm_states.SOFT_DELETING, 'power_off',
               {'vm_state': vm_states.SOFT_DELETED, 'power_state': power_state.SHUTDOWN})
RESTORE = ('compute_restore_instance', vm_states.RESTORING, 'power_on',
           {'vm_state': vm_states.ACTIVE, 'power_state': power_state.RUNNING})
BY_TASK_STATE = {SOFT_DELETE[1]: SOFT_DELETE, RESTORE[1]: RESTORE}


def _deleted_at(instance):
    value = instance.get('deleted_at')
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.replace(tzinfo=None) if value is not None else None


def expired(instances, interval, now=None):
    """The soft-deleted, idle servers among ``instances`` kept longer than ``interval``."""
    now = now or timeutils.utcnow()
    found = []
    for instance in instances:
        if instance['vm_state'] != vm_states.SOFT_DELETED or instance['task_state']:
            continue
        deleted_at = _deleted_at(instance)
        if deleted_at is None or (now - deleted_at).total_seconds() >= interval:
            found.append(instance)
    return found


def reclaim(manager, context, interval):
    """Delete the host's expired soft-deleted servers: each marked ``deleting`` first, so a
    restore or a delete racing it wins or loses cleanly, and a crash finishes it."""
    instances = manager.conductor.instance_get_all_by_host(context, manager.host)
    for instance in expired(instances, interval):
        try:
            instance = manager.conductor.instance_update(
                context, instance['uuid'], {'task_state': vm_states.DELETING},
                expected_task_state=[None], expected_vm_state=[vm_states.SOFT_DELETED])
        except build.GONE:
            LOG.debug('Soft-deleted instance %s changed before its reclaim', instance['uuid'])
            continue
        LOG.info('Reclaiming soft-deleted instance %s', instance['uuid'])
        manager.terminate(context, instance)
