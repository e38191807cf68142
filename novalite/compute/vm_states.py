"""vm_state and task_state values, and their mapping to the API's status strings."""

ACTIVE = 'active'
BUILDING = 'building'
STOPPED = 'stopped'
PAUSED = 'paused'
SUSPENDED = 'suspended'
ERROR = 'error'
DELETED = 'deleted'

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

_STATUS_BY_VM_STATE = {
    ACTIVE: 'ACTIVE',
    BUILDING: 'BUILD',
    STOPPED: 'SHUTOFF',
    PAUSED: 'PAUSED',
    SUSPENDED: 'SUSPENDED',
    ERROR: 'ERROR',
    DELETED: 'DELETED',
}

_STATUS_BY_TASK_STATE = {
    REBOOTING: 'REBOOT',
    REBOOTING_HARD: 'HARD_REBOOT',
}


def status(vm_state, task_state):
    """The API status string Nova shows for a (vm_state, task_state) pair."""
    if vm_state == ACTIVE and task_state in _STATUS_BY_TASK_STATE:
        return _STATUS_BY_TASK_STATE[task_state]
    return _STATUS_BY_VM_STATE.get(vm_state, 'UNKNOWN')
