"""vm_state and task_state values, and their mapping to the API's status strings."""

ACTIVE = 'active'
BUILDING = 'building'
STOPPED = 'stopped'
PAUSED = 'paused'
SUSPENDED = 'suspended'
ERROR = 'error'
DELETED = 'deleted'
RESIZED = 'resized'
SHELVED = 'shelved'
SHELVED_OFFLOADED = 'shelved_offloaded'
SOFT_DELETED = 'soft-delete'
RESCUED = 'rescued'

SCHEDULING = 'scheduling'
NETWORKING = 'networking'
BLOCK_DEVICE_MAPPING = 'block_device_mapping'
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
# Snapshots: the API announces *_PENDING (or IMAGE_BACKUP); the host moves
# through IMAGE_SNAPSHOT, then the driver to PENDING_UPLOAD once the disk is
# captured, then UPLOADING.
IMAGE_SNAPSHOT_PENDING = 'image_snapshot_pending'
IMAGE_SNAPSHOT = 'image_snapshot'
IMAGE_BACKUP = 'image_backup'
IMAGE_PENDING_UPLOAD = 'image_pending_upload'
IMAGE_UPLOADING = 'image_uploading'
SHELVING = 'shelving'
SHELVING_IMAGE_PENDING_UPLOAD = 'shelving_image_pending_upload'
SHELVING_IMAGE_UPLOADING = 'shelving_image_uploading'
SHELVING_OFFLOADING = 'shelving_offloading'
UNSHELVING = 'unshelving'
SNAPSHOT_TASK_STATES = (IMAGE_SNAPSHOT_PENDING, IMAGE_SNAPSHOT, IMAGE_BACKUP,
                        IMAGE_PENDING_UPLOAD, IMAGE_UPLOADING)
SHELVING_TASK_STATES = (SHELVING, SHELVING_IMAGE_PENDING_UPLOAD, SHELVING_IMAGE_UPLOADING)
REBUILDING = 'rebuilding'
REBUILD_BLOCK_DEVICE_MAPPING = 'rebuild_block_device_mapping'
REBUILD_SPAWNING = 'rebuild_spawning'
REBUILD_STATES = (REBUILDING, REBUILD_BLOCK_DEVICE_MAPPING, REBUILD_SPAWNING)
SOFT_DELETING = 'soft-deleting'
RESTORING = 'restoring'
RESCUING = 'rescuing'
UNRESCUING = 'unrescuing'
UPDATING_PASSWORD = 'updating_password'

_STATUS_BY_VM_STATE = {
    ACTIVE: 'ACTIVE',
    BUILDING: 'BUILD',
    STOPPED: 'SHUTOFF',
    PAUSED: 'PAUSED',
    SUSPENDED: 'SUSPENDED',
    ERROR: 'ERROR',
    DELETED: 'DELETED',
    RESIZED: 'VERIFY_RESIZE',
    SHELVED: 'SHELVED',
    SHELVED_OFFLOADED: 'SHELVED_OFFLOADED',
    SOFT_DELETED: 'SOFT_DELETED',
    RESCUED: 'RESCUE',
}

_RESIZING = {RESIZE_PREP: 'RESIZE', RESIZE_MIGRATING: 'RESIZE', RESIZE_MIGRATED: 'RESIZE',
             RESIZE_FINISH: 'RESIZE'}
# A rebuild or an evacuation shows REBUILD whatever state it started from.
_REBUILDING = {state: 'REBUILD' for state in REBUILD_STATES}

# vm_state -> {task_state: status} where a task shows instead of the vm_state's status.
_STATUS_BY_TASK_STATE = {
    ACTIVE: {REBOOTING: 'REBOOT', REBOOTING_HARD: 'HARD_REBOOT', MIGRATING: 'MIGRATING',
             UPDATING_PASSWORD: 'PASSWORD', **_RESIZING, **_REBUILDING},
    STOPPED: {**_RESIZING, **_REBUILDING},
    ERROR: _REBUILDING,
    RESIZED: {RESIZE_REVERTING: 'REVERT_RESIZE'},
}


def status(vm_state, task_state):
    """The API status string Nova shows for a (vm_state, task_state) pair."""
    by_task = _STATUS_BY_TASK_STATE.get(vm_state, {})
    if task_state in by_task:
        return by_task[task_state]
    return _STATUS_BY_VM_STATE.get(vm_state, 'UNKNOWN')
