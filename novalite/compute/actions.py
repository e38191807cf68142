"""Server actions: each a state transition persisted before its cast to the host.

An action names the ``vm_state``/``task_state`` pairs it may start from, the
``task_state`` it announces and the compute RPC method that carries it out.
:func:`begin` checks state, lock and host, persists the new ``task_state``
with a conditional update (so two racing actions cannot both start) and
records the instance action; the cast comes after. Adding an action is a
row in :data:`TRANSITIONS` and, when its RPC call takes more than the
instance, keyword arguments to :func:`run`.
"""

import collections

from novalite import exception
from novalite.compute import vm_states
from novalite.db import actions, instances

Transition = collections.namedtuple(
    'Transition', 'allowed_vm_states allowed_task_states task_state rpc_method')

# A hard reboot may interrupt these (Nova's task_states.ALLOW_REBOOT).
_HARD_REBOOT_TASK_STATES = [None, vm_states.REBOOTING, vm_states.REBOOTING_HARD,
                            vm_states.RESUMING, vm_states.UNPAUSING, vm_states.PAUSING,
                            vm_states.SUSPENDING]

TRANSITIONS = {
    'start': Transition([vm_states.STOPPED], [None], vm_states.POWERING_ON,
                        'start_instance'),
    'stop': Transition([vm_states.ACTIVE, vm_states.ERROR], [None], vm_states.POWERING_OFF,
                       'stop_instance'),
    'pause': Transition([vm_states.ACTIVE], [None], vm_states.PAUSING, 'pause_instance'),
    'unpause': Transition([vm_states.PAUSED], [None], vm_states.UNPAUSING,
                          'unpause_instance'),
    'suspend': Transition([vm_states.ACTIVE], [None], vm_states.SUSPENDING,
                          'suspend_instance'),
    'resume': Transition([vm_states.SUSPENDED], [None], vm_states.RESUMING,
                         'resume_instance'),
    'reboot_soft': Transition([vm_states.ACTIVE], [None], vm_states.REBOOTING,
                              'reboot_instance'),
    'reboot_hard': Transition([vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED,
                               vm_states.SUSPENDED, vm_states.ERROR],
                              _HARD_REBOOT_TASK_STATES, vm_states.REBOOTING_HARD,
                              'reboot_instance'),
}


def run(context, compute_rpcapi, instance, name, action=None, **rpc_kwargs):
    """Start transition ``name`` on ``instance`` and cast it to its host.

    :param action: the instance action recorded (default: ``name``).
    :returns: the instance in its new ``task_state``.
    :raises InstanceInvalidState: not in a state the action starts from (409).
    :raises InstanceIsLocked: locked, and the caller is not an admin (409).
    :raises InstanceNotReady: never scheduled to a host (409).
    """
    transition = TRANSITIONS[name]
    instance = begin(context, instance, action or name, transition)
    getattr(compute_rpcapi, transition.rpc_method)(context, instance, **rpc_kwargs)
    return instance


def begin(context, instance, action, transition):
    """Check state, lock and host, then persist ``task_state`` and the action."""
    check_state(instance, action, transition)
    check_lock(context, instance)
    if not instance['host']:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    try:
        instance = instances.instance_update(
            instance['uuid'], {'task_state': transition.task_state},
            expected_task_state=transition.allowed_task_states,
            expected_vm_state=transition.allowed_vm_states)
    except exception.UnexpectedTaskStateError:
        check_state(instances.instance_get(instance['uuid']), action, transition)
        raise
    record(context, instance, action)
    return instance


def check_state(instance, action, transition):
    for attr, allowed in (('vm_state', transition.allowed_vm_states),
                          ('task_state', transition.allowed_task_states)):
        if instance[attr] not in allowed:
            raise exception.InstanceInvalidState(method=action, instance_uuid=instance['uuid'],
                                                 attr=attr, state=instance[attr])


def check_lock(context, instance):
    if instance.get('locked') and not context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance['uuid'])


def record(context, instance, action):
    actions.action_start(instance['uuid'], action, context.request_id, context.user_id,
                         context.project_id)


def set_locked(context, instance, locked, reason=None):
    """Lock (with a ``reason``, 2.73) or unlock: a database change only, no host involved.

    A lock records who locked: ``owner`` when the caller is of the server's
    project, ``admin`` otherwise. The owner locking a locked server changes
    nothing, so an administrator's lock stays one, as in Nova. The reason is
    kept in the system metadata, as Nova keeps it; unlocking drops it.
    """
    if locked and instance['locked'] and _is_owner(context, instance):
        return instance
    record(context, instance, 'lock' if locked else 'unlock')
    sysmeta = dict(instance.get('system_metadata') or {})
    sysmeta.pop('locked_reason', None)
    if locked and reason:
        sysmeta['locked_reason'] = reason
    return instances.instance_update(instance['uuid'], {
        'locked': locked, 'locked_by': _locker(context, instance) if locked else None,
        'system_metadata': sysmeta})


def is_expected_locked_by(context, instance):
    """Whether the caller is on the side that locked: the owner's lock for the
    owner's project, an administrator's for anyone else (or not locked by anyone)."""
    return instance.get('locked_by') in (None, _locker(context, instance))


def _is_owner(context, instance):
    return instance['project_id'] == context.project_id


def _locker(context, instance):
    return 'owner' if _is_owner(context, instance) else 'admin'
