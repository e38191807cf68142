"""vm_state and task_state values, and their mapping to the API's status strings."""

ACTIVE = 'active'
BUILDING = 'building'
STOPPED = 'stopped'
PAUSED = 'paused'
SUSPENDED = 'suspended'
ERROR = 'error'
DELETED = 'deleted'
RESIZED = 'resized'

SCHEDULING = 'scheduling'
NETWORKING = 'networking'
SPAWNING = 'spawning'
DELETING = 'deleting'
POWERING_OFF = 'powering-off'
POWERING_ON = 'powering-on'
REBOOTING = 'rebooting'
REBOOTING_HARD = 'rebooting_hard'
PAUSING = 'pausing'
UNPAUSING = 'unpausing'
SUSPENDING = 'suspending'
RESUMING = 'resuming'
RESIZE_PREP = 'resize_prep'
RESIZE_MIGRATING = 'resize_migrating'
RESIZE_MIGRATED = 'resize_migrated'
RESIZE_FINISH = 'resize_finish'
RESIZE_REVERTING = 'resize_reverting'
RESIZE_CONFIRMING = 'resize_confirming'
MIGRATING = 'migrating'

_STATUS_BY_VM_STATE = {
    ACTIVE: 'ACTIVE',
    BUILDING: 'BUILD',
    STOPPED: 'SHUTOFF',
    PAUSED: 'PAUSED',
    SUSPENDED: 'SUSPENDED',
    ERROR: 'ERROR',
    DELETED: 'DELETED',
    RESIZED: 'VERIFY_RESIZE',
}

_RESIZING = {RESIZE_PREP: 'RESIZE', RESIZE_MIGRATING: 'RESIZE', RESIZE_MIGRATED: 'RESIZE',
             RESIZE_FINISH: 'RESIZE'}

# vm_state -> {task_state: status} where a task shows instead of the vm_state's status.
_STATUS_BY_TASK_STATE = {
    ACTIVE: {REBOOTING: 'REBOOT', REBOOTING_HARD: 'HARD_REBOOT', MIGRATING: 'MIGRATING',
             **_RESIZING},
    STOPPED: _RESIZING,
    RESIZED: {RESIZE_REVERTING: 'REVERT_RESIZE'},
}


def status(vm_state, task_state):
    """The API status string Nova shows for a (vm_state, task_state) pair."""
    by_task = _STATUS_BY_TASK_STATE.get(vm_state, {})
    if task_state in by_task:
        return by_task[task_state]
    return _STATUS_BY_VM_STATE.get(vm_state, 'UNKNOWN')
