"""Migration records: one row per move of a server (resize, cold or live migration).

A record is written before the first slow step of a move and walks Nova's
statuses: cold moves ``pre-migrating`` -> ``migrating`` -> ``post-migrating``
-> ``finished`` -> ``confirming`` -> ``confirmed`` (or ``reverting`` ->
``reverted``); live ones ``queued`` -> ``preparing`` -> ``running`` ->
``completed`` (or ``cancelled``, ``failed``). ``error`` ends either. While a
move is under way the source's claim is held with the record's uuid as its
consumer, so the source and the destination are both accounted for.
"""

import datetime
import uuid as uuid_lib

import sqlalchemy as sa

from novalite import exception
from novalite.db import claims, engine, models

_MIGRATION = models.Migration

FINAL_STATUSES = claims.FINAL_MOVE_STATUSES
# A cold move waiting for the user to confirm or revert: not in flight.
_WAITING = ('finished',)


def migration_create(instance, migration_type, dest_compute=None, dest_node=None,
                     new_flavor_id=None, status=None):
    """Record a move of ``instance`` from its host; returns the record as a dict.

    :param migration_type: ``resize``, ``migration``, ``live-migration`` or
        ``evacuation``.
    """
    live = migration_type == 'live-migration'
    values = {
        'uuid': str(uuid_lib.uuid4()), 'instance_uuid': instance['uuid'],
        'source_compute': instance['host'], 'source_node': instance['node'],
        'dest_compute': dest_compute, 'dest_node': dest_node, 'dest_host': None,
        'old_instance_type_id': instance['instance_type_id'],
        'new_instance_type_id': new_flavor_id or instance['instance_type_id'],
        'status': status or ('queued' if live else 'pre-migrating'),
        'migration_type': migration_type, 'user_id': instance['user_id'],
        'project_id': instance['project_id']}
    with engine.writer() as session:
        row = _MIGRATION(**values)
        session.add(row)
        session.flush()
        return row.as_dict()


def migration_get(migration_id):
    """A record by uuid or id. :raises MigrationNotFound:"""
    column = _MIGRATION.id if str(migration_id).isdigit() else _MIGRATION.uuid
    with engine.reader() as session:
        row = session.execute(sa.select(_MIGRATION).where(
            column == migration_id, _MIGRATION.deleted == 0)).scalar()
        if row is None:
            raise exception.MigrationNotFound(migration_id=migration_id)
        return row.as_dict()


def migration_get_in_progress(instance_uuid, migration_type=None):
    """The instance's move under way (newest first), or None."""
    statement = sa.select(_MIGRATION).where(
        _MIGRATION.instance_uuid == instance_uuid, _MIGRATION.deleted == 0,
        _MIGRATION.status.not_in(FINAL_STATUSES)).order_by(_MIGRATION.id.desc())
    if migration_type is not None:
        statement = statement.where(_MIGRATION.migration_type == migration_type)
    with engine.reader() as session:
        row = session.execute(statement).scalars().first()
        return row.as_dict() if row is not None else None


def migration_get_by_source(source_compute, migration_type, statuses):
    """Records of ``migration_type`` moves away from ``source_compute`` in ``statuses``."""
    with engine.reader() as session:
        rows = session.execute(sa.select(_MIGRATION).where(
            _MIGRATION.source_compute == source_compute, _MIGRATION.deleted == 0,
            _MIGRATION.migration_type == migration_type,
            _MIGRATION.status.in_(statuses)).order_by(_MIGRATION.id)).scalars().all()
        return [row.as_dict() for row in rows]


@engine.retry_on_deadlock
def migration_update(migration_uuid, values, expected_status=None):
    """Update a record; returns it.

    :param expected_status: statuses the record must be in (a conditional
        update, so two racing steps cannot both move it).
    :raises MigrationNotFound: no such record, or not in ``expected_status``.
    """
    statement = sa.update(_MIGRATION.__table__).where(
        _MIGRATION.uuid == migration_uuid).values(**values, updated_at=models.utcnow())
    if expected_status is not None:
        statement = statement.where(_MIGRATION.status.in_(expected_status))
    with engine.writer() as session:
        if session.execute(statement).rowcount != 1:
            raise exception.MigrationNotFound(migration_id=migration_uuid)
    return migration_get(migration_uuid)


@engine.retry_on_deadlock
def hold_source_claim(migration):
    """Hand the instance's source claim to the migration: the destination claims anew."""
    with engine.writer() as session:
        claims.move_consumer(session, migration['instance_uuid'], migration['uuid'])


@engine.retry_on_deadlock
def settle_claims(migration_uuid, kept):
    """End a move's double claim, keeping the ``source`` or the ``destination`` one.

    Idempotent: once the record holds no claim there is nothing left to settle.
    """
    migration = migration_get(migration_uuid)
    with engine.writer() as session:
        if not claims.consumer_holds_any(session, migration_uuid):
            return
        if kept == 'destination':
            claims.release_in(session, migration_uuid)
            return
        claims.release_in(session, migration['instance_uuid'])
        claims.move_consumer(session, migration_uuid, migration['instance_uuid'])


@engine.retry_on_deadlock
def complete_live(migration_uuid, values):
    """End a live migration in one transaction: the instance takes ``values`` (its
    new host and node) and clears its task, the source claim held by the record
    is released and the record is ``completed`` with nothing left to copy.

    :raises UnexpectedTaskStateError: the instance is no longer migrating.
    """
    migration = migration_get(migration_uuid)
    inst = models.Instance.__table__
    with engine.writer() as session:
        matched = session.execute(sa.update(inst).where(
            inst.c.uuid == migration['instance_uuid'], inst.c.deleted == 0,
            inst.c.task_state == 'migrating').values(
                **values, task_state=None, updated_at=models.utcnow())).rowcount
        if not matched:
            raise exception.UnexpectedTaskStateError(
                instance_uuid=migration['instance_uuid'], field='task_state',
                expected='migrating', actual='another')
        claims.release_in(session, migration_uuid)
        session.execute(sa.update(_MIGRATION.__table__).where(
            _MIGRATION.uuid == migration_uuid).values(status='completed', memory_remaining=0,
                                                      disk_remaining=0,
                                                      updated_at=models.utcnow()))


def settle_abandoned(older_than_seconds):
    """End moves whose server no longer runs any task: a host died in the middle.

    Such a record is ``error``; the server keeps the claim of the host it is
    on and loses the other. Returns the uuids of the records ended.
    """
    cutoff = models.utcnow() - datetime.timedelta(seconds=older_than_seconds)
    inst = models.Instance
    statement = (sa.select(_MIGRATION.uuid, inst.host, _MIGRATION.dest_compute)
                 .join(inst, inst.uuid == _MIGRATION.instance_uuid)
                 .where(_MIGRATION.deleted == 0,
                        _MIGRATION.status.not_in(FINAL_STATUSES + _WAITING),
                        sa.func.coalesce(_MIGRATION.updated_at, _MIGRATION.created_at) < cutoff,
                        inst.task_state.is_(None)))
    with engine.reader() as session:
        abandoned = session.execute(statement).all()
    for migration_uuid, host, dest in abandoned:
        settle_claims(migration_uuid, 'destination' if host == dest else 'source')
        migration_update(migration_uuid, {'status': 'error'})
    return [row.uuid for row in abandoned]


# Filters of ``GET /os-migrations`` that compare a column with the value given.
_EQUAL_FILTERS = ('instance_uuid', 'migration_type', 'user_id', 'project_id')


def migration_get_all(filters, limit=None, marker=None, paged=False):
    """Migration records for ``GET /os-migrations``, as Nova's query selects them.

    :param filters: ``status``, ``host`` (source or destination, else
        ``source_compute``), ``instance_uuid``, ``migration_type``,
        ``hidden`` (bool), ``user_id``, ``project_id``, ``changes_since``/
        ``changes_before`` (datetimes bounding ``updated_at``).
    :param paged: newest first (``created_at``, then ``id``), cut after the
        record whose uuid is ``marker``; otherwise in id order.
    :raises MigrationMarkerNotFound: no record has the marker's uuid.
    """
    if paged and limit == 0:
        return []
    statement = _filtered(sa.select(_MIGRATION).where(_MIGRATION.deleted == 0), filters)
    with engine.reader() as session:
        if paged:
            statement = statement.order_by(_MIGRATION.created_at.desc(), _MIGRATION.id.desc())
            if marker is not None:
                statement = _after(session, statement, marker)
            if limit is not None:
                statement = statement.limit(limit)
        else:
            statement = statement.order_by(_MIGRATION.id)
        return [row.as_dict() for row in session.execute(statement).scalars()]


def _filtered(statement, filters):
    if 'status' in filters:
        statement = statement.where(_MIGRATION.status == filters['status'])
    if 'host' in filters:
        statement = statement.where(sa.or_(_MIGRATION.source_compute == filters['host'],
                                           _MIGRATION.dest_compute == filters['host']))
    elif 'source_compute' in filters:
        statement = statement.where(_MIGRATION.source_compute == filters['source_compute'])
    for key in _EQUAL_FILTERS:
        if key in filters:
            statement = statement.where(getattr(_MIGRATION, key) == filters[key])
    if 'hidden' in filters:
        statement = statement.where(_MIGRATION.hidden == filters['hidden'])
    if filters.get('changes_since') is not None:
        # From the start of its second: MySQL and MariaDB keep whole seconds.
        statement = statement.where(
            _MIGRATION.updated_at >= filters['changes_since'].replace(microsecond=0))
    if filters.get('changes_before') is not None:
        statement = statement.where(_MIGRATION.updated_at <= filters['changes_before'])
    return statement


def _after(session, statement, marker):
    """Records after ``marker`` in (created_at, id) descending order."""
    row = session.execute(sa.select(_MIGRATION.created_at, _MIGRATION.id).where(
        _MIGRATION.uuid == marker, _MIGRATION.deleted == 0)).first()
    if row is None:
        raise exception.MigrationMarkerNotFound(marker=marker)
    created, ident = row
    return statement.where(sa.or_(_MIGRATION.created_at < created,
                                  sa.and_(_MIGRATION.created_at == created,
                                          _MIGRATION.id < ident)))
