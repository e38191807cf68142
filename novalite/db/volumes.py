"""Volumes and volume attachments: the volume service's tables.

Only the Block Storage API and the volume service read these; compute hosts
reach volumes through the API (:mod:`novalite.volume.cinder`). A state change
is one conditional UPDATE (``expected_status``), so that two requests racing
for one volume cannot both win: the loser gets InvalidVolume (a 400).
"""

import json
import uuid

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models
from novalite.db.models import utcnow

_VOLUME = models.Volume
_ATTACHMENT = models.VolumeAttachment
_JSON_COLUMNS = {'volume_metadata': '{}', 'snapshot_metadata': '{}', 'connector': None,
                 'connection_info': None}


def decode_row(row):
    values = row.as_dict()
    for key, empty in _JSON_COLUMNS.items():
        if key in values:
            text = values[key]
            values[key] = json.loads(text) if text else (json.loads(empty) if empty else None)
    return values


def encode_values(values):
    return {key: json.dumps(value) if key in _JSON_COLUMNS and value is not None else value
            for key, value in values.items()}


# --- volumes -----------------------------------------------------------------

def volume_create(values):
    values = dict(values, uuid=values.get('uuid') or str(uuid.uuid4()))
    with engine.writer() as session:
        row = _VOLUME(**encode_values(values))
        session.add(row)
        session.flush()
        return decode_row(row)


def _live_volume(session, volume_id):
    row = session.query(_VOLUME).filter_by(uuid=volume_id, deleted=0).one_or_none()
    if row is None:
        raise exception.VolumeNotFound(volume_id=volume_id)
    return row


def volume_get(volume_id):
    """:raises VolumeNotFound:"""
    with engine.reader() as session:
        return decode_row(_live_volume(session, volume_id))


def volume_get_all(filters=None, limit=None, marker=None, sort_key='created_at',
                   sort_dir='desc'):
    """Live volumes matching ``filters`` (column: value), newest first by default.

    :raises VolumeNotFound: ``marker`` names no volume.
    """
    with engine.reader() as session:
        start = _live_volume(session, marker) if marker else None
        return [decode_row(row) for row in live_page(session, _VOLUME, filters, limit, start,
                                                  sort_key, sort_dir)]


def volume_count(filters=None):
    """How many live volumes match ``filters`` (Cinder's ``with_count``, 3.45)."""
    with engine.reader() as session:
        return live_query(session, _VOLUME, filters).count()


# Cinder's time comparison operators (3.60): ``created_at=gt:2026-12-01T00:00:00``.
COMPARISONS = {'gt': '__gt__', 'gte': '__ge__', 'eq': '__eq__', 'neq': '__ne__',
               'lt': '__lt__', 'lte': '__le__'}


def live_query(session, model, filters):
    """Live rows of ``model`` matching ``filters``: column: value, or column:
    ``{operator: value}`` with operators of :data:`COMPARISONS`."""
    query = session.query(model).filter_by(deleted=0)
    for key, value in (filters or {}).items():
        column = getattr(model, key)
        if isinstance(value, dict):
            for operator, operand in value.items():
                query = query.filter(getattr(column, COMPARISONS[operator])(operand))
        else:
            query = query.filter(column == value)
    return query


def live_page(session, model, filters, limit, start, sort_key, sort_dir):
    """Live rows of ``model`` matching ``filters``, sorted, after the row ``start``.

    Ties on ``sort_key`` are broken by id, so that a page never repeats or
    skips a row.
    """
    query = live_query(session, model, filters)
    column = getattr(model, sort_key)
    descending = sort_dir == 'desc'
    query = query.order_by(column.desc() if descending else column.asc(),
                           model.id.desc() if descending else model.id.asc())
    if start is not None:
        beyond = (column < getattr(start, sort_key)) if descending \
            else (column > getattr(start, sort_key))
        same = sa.and_(column == getattr(start, sort_key),
                       (model.id < start.id) if descending else (model.id > start.id))
        query = query.filter(sa.or_(beyond, same))
    if limit:
        query = query.limit(limit)
    return query


def volume_usage(project_id):
    """``(volumes, gigabytes)`` the project's live volumes hold."""
    with engine.reader() as session:
        count, size = session.query(sa.func.count(_VOLUME.id), sa.func.sum(_VOLUME.size)) \
            .filter_by(project_id=project_id, deleted=0).one()
        return count, int(size or 0)


@engine.retry_on_deadlock
def volume_update(volume_id, values, expected_status=None):
    """Update a volume, only from ``expected_status`` (a list) if given; returns it.

    :raises VolumeNotFound:
    :raises InvalidVolume: its status is not one of ``expected_status``.
    """
    def refused(status):
        return exception.InvalidVolume(
            reason=f"volume {volume_id} is {status}, not {' or '.join(expected_status)}")
    with engine.writer() as session:
        return guarded_update(session, _VOLUME, volume_id, values, expected_status,
                              _live_volume, refused)


def guarded_update(session, model, row_uuid, values, expected_status, live, refused):
    """Update the live row ``row_uuid`` of ``model`` (a volume or a snapshot), only
    from ``expected_status`` (a list) if given; returns it decoded.

    :raises: what ``live(session, row_uuid)`` raises for a missing row, and
        ``refused(status)`` when its status is not one of ``expected_status``.
    """
    query = session.query(model).filter_by(uuid=row_uuid, deleted=0)
    if expected_status is not None:
        query = query.filter(model.status.in_(expected_status))
    if not query.update(encode_values(values), synchronize_session=False):
        raise refused(live(session, row_uuid).status)
    return decode_row(live(session, row_uuid))


@engine.retry_on_deadlock
def volume_begin_delete(volume_id, deletable):
    """Move a volume whose status is one of ``deletable`` and that has no live
    snapshot to ``deleting``; returns it.

    One statement, so that a snapshot taken meanwhile
    (:func:`novalite.db.volume_snapshots.snapshot_create`) makes it fail.

    :raises VolumeNotFound:
    :raises InvalidVolume: in another status, or it has snapshots.
    """
    snapshots = sa.select(models.VolumeSnapshot.id).where(
        models.VolumeSnapshot.volume_uuid == volume_id, models.VolumeSnapshot.deleted == 0)
    with engine.writer() as session:
        updated = session.query(_VOLUME).filter_by(uuid=volume_id, deleted=0) \
            .filter(_VOLUME.status.in_(deletable), ~snapshots.exists()) \
            .update({'status': 'deleting'}, synchronize_session=False)
        volume = _live_volume(session, volume_id)
        if not updated:
            raise exception.InvalidVolume(reason=f"volume {volume_id} is {volume.status} "
                                                 f"or has snapshots")
        return decode_row(volume)


def volume_destroy(volume_id):
    """Soft-delete a volume. :raises VolumeNotFound:"""
    with engine.writer() as session:
        row = _live_volume(session, volume_id)
        row.deleted, row.deleted_at, row.status = row.id, utcnow(), 'deleted'


# --- attachments ---------------------------------------------------------------

def _live_attachment(session, attachment_id):
    row = session.query(_ATTACHMENT).filter_by(uuid=attachment_id, deleted=0).one_or_none()
    if row is None:
        raise exception.VolumeAttachmentNotFound(attachment_id=attachment_id)
    return row


@engine.retry_on_deadlock
def attachment_create(volume_id, instance_uuid, volume_status, attachment_values):
    """Reserve an available volume for a server: the volume's new status and the row.

    One transaction: the volume moves from ``available`` to ``volume_status``
    only if it is available, so a second attach of the same volume fails.
    As in Cinder, a volume ``in-use`` or ``reserved`` by the same server may
    get another attachment for it (a shelve offload keeps the volume the
    server's that way); its status does not change then.

    :raises VolumeNotFound:
    :raises InvalidVolume: the volume is not available (in use, reserved...).
    """
    with engine.writer() as session:
        updated = session.query(_VOLUME).filter_by(uuid=volume_id, deleted=0,
                                                   status='available') \
            .update({'status': volume_status}, synchronize_session=False)
        if not updated and not _held_by(session, volume_id, instance_uuid):
            current = _live_volume(session, volume_id)
            raise exception.InvalidVolume(
                reason=f"volume {volume_id} status must be available to reserve, but the "
                       f"status is {current.status}")
        row = _ATTACHMENT(**encode_values(dict(attachment_values, uuid=str(uuid.uuid4()),
                                         volume_uuid=volume_id,
                                         instance_uuid=instance_uuid)))
        session.add(row)
        session.flush()
        return decode_row(row)


def _held_by(session, volume_id, instance_uuid):
    """Whether the volume is in-use or reserved by an attachment of ``instance_uuid``."""
    if not instance_uuid:
        return False
    volume = _live_volume(session, volume_id)
    return volume.status in ('in-use', 'reserved') and session.query(_ATTACHMENT).filter_by(
        volume_uuid=volume_id, instance_uuid=instance_uuid, deleted=0).count() > 0


def attachment_get(attachment_id):
    """:raises VolumeAttachmentNotFound:"""
    with engine.reader() as session:
        return decode_row(_live_attachment(session, attachment_id))


def attachment_get_all(filters=None):
    with engine.reader() as session:
        query = session.query(_ATTACHMENT).filter_by(deleted=0)
        for key, value in (filters or {}).items():
            query = query.filter(getattr(_ATTACHMENT, key) == value)
        return [decode_row(row) for row in query.order_by(_ATTACHMENT.id)]


def attachments_by_volume(volume_ids):
    """``{volume_id: [attachment]}`` of the given volumes' live attachments."""
    found = {volume_id: [] for volume_id in volume_ids}
    if not volume_ids:
        return found
    with engine.reader() as session:
        rows = session.query(_ATTACHMENT).filter(_ATTACHMENT.volume_uuid.in_(volume_ids),
                                                 _ATTACHMENT.deleted == 0)
        for row in rows.order_by(_ATTACHMENT.id):
            found[row.volume_uuid].append(decode_row(row))
    return found


@engine.retry_on_deadlock
def attachment_update(attachment_id, values, volume_values=None):
    """Update an attachment and, in the same transaction, its volume; returns it.

    :raises VolumeAttachmentNotFound:
    """
    with engine.writer() as session:
        row = _live_attachment(session, attachment_id)
        for key, value in encode_values(values).items():
            setattr(row, key, value)
        if volume_values:
            session.query(_VOLUME).filter_by(uuid=row.volume_uuid, deleted=0) \
                .update(encode_values(volume_values), synchronize_session=False)
        session.flush()
        return decode_row(row)


@engine.retry_on_deadlock
def attachment_destroy(attachment_id):
    """Delete an attachment; its volume is available again unless it has others
    (``reserved`` when those are only reservations).

    Returns the deleted attachment. :raises VolumeAttachmentNotFound:
    """
    with engine.writer() as session:
        row = _live_attachment(session, attachment_id)
        row.deleted, row.deleted_at = row.id, utcnow()
        row.attach_status, row.detach_time = 'detached', utcnow()
        session.flush()
        others = {status for (status,) in session.query(_ATTACHMENT.attach_status)
                  .filter_by(volume_uuid=row.volume_uuid, deleted=0)}
        if not others:
            values = {'status': 'available', 'attach_status': 'detached'}
        elif others == {'reserved'}:
            values = {'status': 'reserved', 'attach_status': 'reserved'}
        else:
            return decode_row(row)
        session.query(_VOLUME).filter_by(uuid=row.volume_uuid, deleted=0) \
            .filter(_VOLUME.status.in_(('reserved', 'attaching', 'in-use', 'detaching'))) \
            .update(values, synchronize_session=False)
        return decode_row(row)
