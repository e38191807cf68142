"""The conductor's reaper: task states no live compute host owns do not last for good.

Every ``[DEFAULT] reap_interval`` it ends the task states past their
``task_state_deadlines`` entry that belong to no live compute host: builds
still ``scheduling`` (lost-build recovery has had its tries) and any task of
an instance whose host is down. A delete is finished here, freeing the
claim and addresses (the host destroys the guest when it comes back); a
build goes to ERROR and frees its claim; any other task is cleared back to
the instance's stable state. Each gets a fault naming the step that timed
out. Tasks on live hosts are their hosts' to reap
(:mod:`novalite.compute.reaper`). Every change is conditional on the task
state it found, so several conductors may reap at once.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

from novalite import deadlines, exception, servicegroup
from novalite.compute import delete as compute_delete
from novalite.compute import vm_states
from novalite.conf import CONF
from novalite.db import actions, claims, instances, services

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'novalite-compute'


def reap(context):
    """End the expired task states no live compute host owns; returns their uuids."""
    now = timeutils.utcnow()
    shortest = min(deadlines.deadline(state) for state in
                   [*CONF.task_state_deadlines, vm_states.SCHEDULING])
    candidates = [instance for instance in instances.instance_get_unchanged_tasks(
        now - datetime.timedelta(seconds=shortest)) if deadlines.expired(instance, now)]
    if not candidates:
        return []
    up = {service['host'] for service in services.service_get_all(binary=COMPUTE_BINARY)
          if servicegroup.is_up(service, now)}
    reaped = []
    for instance in candidates:
        if instance['task_state'] != vm_states.SCHEDULING and instance['host'] in up:
            continue
        if _end(context, instance):
            reaped.append(instance['uuid'])
    return reaped


def _end(context, instance):
    uuid, task_state = instance['uuid'], instance['task_state']
    message = deadlines.timed_out_message(instance)
    if task_state != vm_states.SCHEDULING and instance['host']:
        message += f"; its compute host {instance['host']} is down"
    LOG.warning('Instance %s: %s', uuid, message)
    if task_state == vm_states.DELETING:
        compute_delete.local_delete(context, instance)
        return True
    values = {'task_state': None}
    if instance['vm_state'] == vm_states.BUILDING:
        values['vm_state'] = vm_states.ERROR
    try:
        instances.instance_update(uuid, values, expected_task_state=task_state,
                                  read_back=False)
    except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
        return False
    if task_state == vm_states.SCHEDULING:
        claims.release(uuid)
    actions.fault_create(uuid, 500, message, 'TaskStateTimeout', CONF.host)
    return True
