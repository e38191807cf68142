"""Volume snapshots: the volume service's ``volume_snapshots`` table.

A snapshot is taken only of a volume in an allowed status, and a volume is
deleted only when it has no snapshot: both checks are made in the statement
that writes (:func:`snapshot_create`, :func:`novalite.db.volumes.volume_begin_delete`),
so that a snapshot and a delete racing for one volume cannot both win.
"""

import uuid

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models
from novalite.db.models import utcnow
from novalite.db.volumes import (
    decode_row,
    encode_values,
    guarded_update,
    live_page,
    live_query,
)

_SNAPSHOT = models.VolumeSnapshot
_VOLUME = models.Volume


def _live_snapshot(session, snapshot_id):
    row = session.query(_SNAPSHOT).filter_by(uuid=snapshot_id, deleted=0).one_or_none()
    if row is None:
        raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
    return row


@engine.retry_on_deadlock
def snapshot_create(values, volume_statuses):
    """Record a snapshot of ``values['volume_uuid']`` if the volume's status is one
    of ``volume_statuses``; returns it.

    The volume's row is written (to its own status) in the same transaction,
    which holds its lock until the snapshot exists.

    :raises VolumeNotFound:
    :raises InvalidVolume: the volume is in another status.
    """
    values = dict(values, uuid=values.get('uuid') or str(uuid.uuid4()))
    with engine.writer() as session:
        held = session.query(_VOLUME).filter_by(uuid=values['volume_uuid'], deleted=0) \
            .filter(_VOLUME.status.in_(volume_statuses)) \
            .update({'status': _VOLUME.status}, synchronize_session=False)
        if not held:
            volume = session.query(_VOLUME).filter_by(uuid=values['volume_uuid'],
                                                      deleted=0).one_or_none()
            if volume is None:
                raise exception.VolumeNotFound(volume_id=values['volume_uuid'])
            raise exception.InvalidVolume(
                reason=f"Volume {volume.uuid} status must be "
                       f"{' or '.join(volume_statuses)}, but current status is: "
                       f"{volume.status}.")
        row = _SNAPSHOT(**encode_values(values))
        session.add(row)
        session.flush()
        return decode_row(row)


def snapshot_get(snapshot_id):
    """:raises SnapshotNotFound:"""
    with engine.reader() as session:
        return decode_row(_live_snapshot(session, snapshot_id))


def snapshot_get_all(filters=None, limit=None, marker=None, sort_key='created_at',
                     sort_dir='desc'):
    """Live snapshots matching ``filters`` (column: value), newest first by default.

    :raises SnapshotNotFound: ``marker`` names no snapshot.
    """
    with engine.reader() as session:
        start = _live_snapshot(session, marker) if marker else None
        return [decode_row(row) for row in live_page(session, _SNAPSHOT, filters, limit,
                                                     start, sort_key, sort_dir)]


def snapshot_count(filters=None):
    """How many live snapshots match ``filters`` (Cinder's ``with_count``, 3.45)."""
    with engine.reader() as session:
        return live_query(session, _SNAPSHOT, filters).count()


def snapshot_usage(project_id):
    """``(snapshots, gigabytes)`` the project's live snapshots hold."""
    with engine.reader() as session:
        count, size = session.query(sa.func.count(_SNAPSHOT.id),
                                    sa.func.sum(_SNAPSHOT.volume_size)) \
            .filter_by(project_id=project_id, deleted=0).one()
        return count, int(size or 0)


@engine.retry_on_deadlock
def snapshot_update(snapshot_id, values, expected_status=None):
    """Update a snapshot, only from ``expected_status`` (a list) if given; returns it.

    :raises SnapshotNotFound:
    :raises InvalidSnapshot: its status is not one of ``expected_status``.
    """
    def refused(status):
        return exception.InvalidSnapshot(
            reason=f"Snapshot status must be {' or '.join(expected_status)}, "
                   f"but current status is: {status}.")
    with engine.writer() as session:
        return guarded_update(session, _SNAPSHOT, snapshot_id, values, expected_status,
                              _live_snapshot, refused)


def snapshot_destroy(snapshot_id):
    """Soft-delete a snapshot. :raises SnapshotNotFound:"""
    with engine.writer() as session:
        row = _live_snapshot(session, snapshot_id)
        row.deleted, row.deleted_at, row.status = row.id, utcnow(), 'deleted'
