"""Administrators' repairs of a server's state: ``os-resetState``.

An operator whose server was left in a state no action leaves (a task that
will never end, a host that lost the guest) sets ``vm_state`` to ``active``
or ``error`` and clears the task, as Nova does; nothing is sent to the host.
"""

from oslo_log import log as logging

from novalite.compute import actions, vm_states
from novalite.db import instances

LOG = logging.getLogger(__name__)

_STATES = {'active': vm_states.ACTIVE, 'error': vm_states.ERROR}


def reset_state(context, instance, state):
    """Set ``vm_state`` to ``state`` (``active`` or ``error``), clear ``task_state``.

    :raises InstanceNotFound: deleted meanwhile.
    """
    LOG.info('Resetting instance %s from %s/%s to %s', instance['uuid'], instance['vm_state'],
             instance['task_state'], state)
    actions.record(context, instance, 'resetState')
    return instances.instance_update(instance['uuid'], {'vm_state': _STATES[state],
                                                        'task_state': None})
