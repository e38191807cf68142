"""Volume snapshots in the volume API: what the snapshot handlers call.

Like :mod:`novalite.volume.api` it runs in the Block Storage API's app and
writes the tables directly: a snapshot is recorded ``creating`` (only of a
volume that is ``available``, or ``in-use`` when forced) before its copy is
cast to the volume's storage host, and ``deleting`` before its removal is.
"""

from oslo_utils import strutils

from novalite import exception
from novalite.conf import CONF
from novalite.db import volume_snapshots as db
from novalite.volume import api as volume_api

DELETABLE = ('available', 'error')
# A snapshot is a copy of the file while the volume is used: 'in-use' only when forced.
_SNAPSHOTTABLE = ['available']
_SNAPSHOTTABLE_FORCED = ['available', 'in-use']


def get(context, snapshot_id):
    """:raises SnapshotNotFound: no such snapshot, or another project's."""
    snapshot = db.snapshot_get(snapshot_id)
    if not context.is_admin and snapshot['project_id'] != context.project_id:
        raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
    return snapshot


def parse_force(value):
    """``force`` of a create request. :raises Invalid: not a boolean."""
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.Invalid(f"Invalid value '{value}' for force.") from None


def create(context, rpcapi, volume, name=None, description=None, metadata=None, force=False):
    """Record a snapshot of ``volume`` in ``creating`` and cast its copy.

    :raises InvalidVolume: the volume is not available (nor in-use with
        ``force``); nothing was recorded.
    :raises VolumeLimitExceeded: the project's snapshot or gigabyte quota.
    """
    _check_quota(context, volume['size'])
    snapshot = db.snapshot_create({
        'volume_uuid': volume['uuid'], 'project_id': context.project_id,
        'user_id': context.user_id, 'host': volume['host'], 'status': 'creating',
        'progress': '0%', 'volume_size': volume['size'], 'display_name': name,
        'display_description': description, 'snapshot_metadata': dict(metadata or {})},
        _SNAPSHOTTABLE_FORCED if force else _SNAPSHOTTABLE)
    rpcapi.create_snapshot(context, snapshot)
    return snapshot


def _check_quota(context, size):
    count, _gigabytes = db.snapshot_usage(context.project_id)
    if 0 <= CONF.volume.quota_snapshots < count + 1:
        raise exception.VolumeLimitExceeded(
            reason=f"Maximum number of snapshots allowed ({CONF.volume.quota_snapshots}) "
                   f"exceeded")
    gigabytes = volume_api.gigabytes_used(context.project_id)
    if 0 <= CONF.volume.quota_gigabytes < gigabytes + size:
        raise exception.VolumeLimitExceeded(
            reason=f"Requested volume or snapshot exceeds allowed gigabytes quota. "
                   f"Requested {size}G, quota is {CONF.volume.quota_gigabytes}G and "
                   f"{gigabytes}G has been consumed.")


def delete(context, rpcapi, snapshot):
    """Persist ``deleting`` and cast the removal of the copy.

    :raises InvalidSnapshot: neither available nor error (400).
    """
    if snapshot['status'] == 'deleting':
        return
    try:
        snapshot = db.snapshot_update(snapshot['uuid'], {'status': 'deleting'},
                                      expected_status=list(DELETABLE))
    except exception.InvalidSnapshot:
        raise exception.InvalidSnapshot(
            reason="Snapshot status must be available or error and must not be part of "
                   "a group.") from None
    rpcapi.delete_snapshot(context, snapshot)


def update(context, snapshot, values):
    return db.snapshot_update(snapshot['uuid'], values)
