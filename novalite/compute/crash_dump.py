"""``trigger_crash_dump`` (2.17): an NMI to the guest, whose kernel may dump and reboot.

Nova gives it no task state: the NMI is immediate, and what the guest does
with it (a kdump, a panic, a log line) is the guest's business. The API
checks state and lock, records the action, and casts to the host.
"""

from novalite import exception
from novalite.compute import actions, vm_states

_TRANSITION = actions.Transition([vm_states.ACTIVE, vm_states.PAUSED, vm_states.ERROR],
                                 [None], None, 'trigger_crash_dump')


def trigger(context, compute_rpcapi, instance):
    """:raises InstanceInvalidState, InstanceIsLocked, InstanceNotReady: (409).
    :raises TriggerCrashDumpNotSupported: the host is too old for it (400).
    """
    actions.check_state(instance, 'trigger_crash_dump', _TRANSITION)
    actions.check_lock(context, instance)
    if not instance['host']:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    if not compute_rpcapi.supports_crash_dump():
        raise exception.TriggerCrashDumpNotSupported()
    actions.record(context, instance, 'trigger_crash_dump')
    compute_rpcapi.trigger_crash_dump(context, instance)
