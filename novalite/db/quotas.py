"""Quota limits, usage counted from the resources themselves, and create reservations.

Limits are rows of ``quota_classes`` (class ``default``), ``quotas`` (per
project) and ``project_user_quotas`` (per user in a project). Usage is not
stored: it is counted from live instance rows, as Nova counts it since Pike,
plus the reservations of creates in flight.

Atomicity: :func:`reserve_instances` and the key pair create take their
owner's row of ``quota_locks`` with an UPDATE before they count, so creates
of one project run their count-and-record one at a time across every API
worker (a row lock on MariaDB and PostgreSQL, the database's write lock on
SQLite), and each sees what the previous one recorded.
"""

import contextlib
import datetime
import uuid

import sqlalchemy as sa
from oslo_db import exception as db_exc

from novalite.db import engine, models

PROJECT = 'project'
USER = 'user'

_CLASS = models.QuotaClass.__table__
_PROJECT_LIMIT = models.Quota.__table__
_USER_LIMIT = models.ProjectUserQuota.__table__
_LOCK = models.QuotaLock.__table__
_RESERVATION = models.QuotaReservation.__table__
_INSTANCE = models.Instance.__table__
_GROUP = models.InstanceGroup.__table__
_INSTANCE_RESOURCES = ('instances', 'cores', 'ram')
# Soft-deleted servers wait to be reclaimed or restored and count for nothing (Nova's rule).
SOFT_DELETED = 'soft-delete'
RESTORING = 'restoring'


def _limits(table, **owner):
    query = sa.select(table.c.resource, table.c.hard_limit)
    for column, value in owner.items():
        query = query.where(table.c[column] == value)
    with engine.reader() as session:
        return dict(session.execute(query).all())


def class_limits(class_name):
    """``{resource: limit}`` set for a quota class."""
    return _limits(_CLASS, class_name=class_name)


def project_limits(project_id):
    """``{resource: limit}`` set for a project."""
    return _limits(_PROJECT_LIMIT, project_id=project_id)


def user_limits(project_id, user_id):
    """``{resource: limit}`` set for one user of a project."""
    return _limits(_USER_LIMIT, project_id=project_id, user_id=user_id)


def user_limit_sums(project_id, exclude_user=None):
    """``{resource: sum of the limits set for the project's users}`` (other than one)."""
    query = (sa.select(_USER_LIMIT.c.resource, sa.func.sum(_USER_LIMIT.c.hard_limit))
             .where(_USER_LIMIT.c.project_id == project_id)
             .group_by(_USER_LIMIT.c.resource))
    if exclude_user is not None:
        query = query.where(_USER_LIMIT.c.user_id != exclude_user)
    with engine.reader() as session:
        return {resource: int(total) for resource, total in session.execute(query).all()}


def _upsert(session, table, owner, resource, limit):
    match = [table.c[column] == value for column, value in owner.items()]
    now = models.utcnow()
    updated = session.execute(sa.update(table).where(*match, table.c.resource == resource)
                              .values(hard_limit=limit, updated_at=now)).rowcount
    if not updated:
        session.execute(sa.insert(table).values(resource=resource, hard_limit=limit,
                                                created_at=now, **owner))


@engine.retry_on_deadlock
def set_limits(values, project_id=None, user_id=None, class_name=None):
    """Set ``{resource: limit}`` for a class, a project, or a user of a project."""
    if class_name is not None:
        table, owner = _CLASS, {'class_name': class_name}
    elif user_id is not None:
        table, owner = _USER_LIMIT, {'project_id': project_id, 'user_id': user_id}
    else:
        table, owner = _PROJECT_LIMIT, {'project_id': project_id}
    with engine.writer() as session:
        for resource, limit in values.items():
            _upsert(session, table, owner, resource, limit)


def destroy_limits(project_id, user_id=None):
    """Forget a project's limits (and its users'), or one user's: defaults apply again."""
    with engine.writer() as session:
        users = sa.delete(_USER_LIMIT).where(_USER_LIMIT.c.project_id == project_id)
        if user_id is not None:
            session.execute(users.where(_USER_LIMIT.c.user_id == user_id))
            return
        session.execute(users)
        session.execute(sa.delete(_PROJECT_LIMIT)
                        .where(_PROJECT_LIMIT.c.project_id == project_id))


def _ensure_lock_row(scope, owner):
    with engine.reader() as session:
        found = session.execute(sa.select(_LOCK.c.owner).where(
            _LOCK.c.scope == scope, _LOCK.c.owner == owner)).first()
    if found is not None:
        return
    try:
        with engine.writer() as session:
            session.execute(sa.insert(_LOCK).values(scope=scope, owner=owner))
    except db_exc.DBDuplicateEntry:
        pass  # another request made it first: the row is all we need


@contextlib.contextmanager
def locked(scope, owner):
    """A write transaction that holds ``owner``'s quota lock (a project or a user).

    Counts made in it see every create that held the lock before: the lock
    is its first statement, so on MariaDB the snapshot its reads use is
    taken once the lock is held. Server groups and other counted creates
    count and insert inside one of these.
    """
    _ensure_lock_row(scope, owner)
    with engine.writer() as session:
        hold_lock(session, scope, owner)
        yield session


def hold_lock(session, scope, owner):
    """Take ``owner``'s quota lock in the caller's transaction, as its first statement.

    The lock row must exist: a create reserves its quota (which makes it)
    before its rows are written.
    """
    session.execute(sa.update(_LOCK).where(_LOCK.c.scope == scope, _LOCK.c.owner == owner)
                    .values(updated_at=models.utcnow()))


def _instance_usage(session, project_id, user_id, now):
    """``{'project': {...}, 'user': {...}}`` of instances, cores and ram."""
    live = sa.select(
        _INSTANCE.c.user_id, sa.func.count().label('instances'),
        sa.func.coalesce(sa.func.sum(_INSTANCE.c.vcpus), 0).label('cores'),
        sa.func.coalesce(sa.func.sum(_INSTANCE.c.memory_mb), 0).label('ram'),
    ).where(_INSTANCE.c.project_id == project_id, _INSTANCE.c.deleted == 0,
            # A soft-deleted server does not count, as in Nova, except from
            # the moment its restore passed the quota check.
            sa.or_(_INSTANCE.c.vm_state != SOFT_DELETED, _INSTANCE.c.task_state == RESTORING)
            ).group_by(_INSTANCE.c.user_id)
    held = sa.select(
        _RESERVATION.c.user_id, sa.func.sum(_RESERVATION.c.instances),
        sa.func.sum(_RESERVATION.c.cores), sa.func.sum(_RESERVATION.c.ram),
    ).where(_RESERVATION.c.project_id == project_id,
            _RESERVATION.c.expires_at > now).group_by(_RESERVATION.c.user_id)
    usage = {'project': dict.fromkeys(_INSTANCE_RESOURCES, 0),
             'user': dict.fromkeys(_INSTANCE_RESOURCES, 0)}
    for row in [*session.execute(live).all(), *session.execute(held).all()]:
        scopes = ('project', 'user') if row[0] == user_id else ('project',)
        for scope in scopes:
            for resource, value in zip(_INSTANCE_RESOURCES, row[1:], strict=True):
                usage[scope][resource] += int(value or 0)
    return usage


def instance_usage(project_id, user_id=None):
    """Instances, cores and ram a project (and one of its users) use, creates in flight
    included: ``{'project': {...}, 'user': {...}}``."""
    with engine.reader() as session:
        return _instance_usage(session, project_id, user_id, models.utcnow())


def server_group_count(project_id, user_id=None):
    """Server groups a project (or one of its users) has."""
    query = sa.select(sa.func.count()).select_from(_GROUP).where(
        _GROUP.c.project_id == project_id)
    if user_id is not None:
        query = query.where(_GROUP.c.user_id == user_id)
    with engine.reader() as session:
        return session.execute(query).scalar()


@engine.retry_on_deadlock
def reserve_instances(project_id, user_id, decide, expire_seconds):
    """Count the project's usage under its lock and hold what ``decide`` grants.

    A connection lost at the commit is resolved by looking the reservation
    up by the uuid it was made with (:func:`engine.write_once`): a create
    never holds twice, nor fails over a hold that was made.

    :param decide: ``decide(usage)`` -> ``{'instances', 'cores', 'ram'}`` to
        hold, given :func:`instance_usage`'s shape; it raises to refuse.
    :returns: ``(reservation id, what was held)``.
    """
    token = str(uuid.uuid4())

    def write():
        with locked(PROJECT, project_id) as session:
            now = models.utcnow()
            session.execute(sa.delete(_RESERVATION).where(
                _RESERVATION.c.project_id == project_id, _RESERVATION.c.expires_at <= now))
            deltas = decide(_instance_usage(session, project_id, user_id, now))
            result = session.execute(sa.insert(_RESERVATION).values(
                uuid=token, project_id=project_id, user_id=user_id, created_at=now,
                expires_at=now + datetime.timedelta(seconds=expire_seconds), **deltas))
            return result.inserted_primary_key[0], deltas

    def written():
        columns = (_RESERVATION.c.id, *(_RESERVATION.c[key] for key in _INSTANCE_RESOURCES))
        with engine.reader() as session:
            row = session.execute(sa.select(*columns).where(_RESERVATION.c.uuid == token)).first()
        if row is None:
            return None
        return row[0], dict(zip(_INSTANCE_RESOURCES, row[1:], strict=True))

    return engine.write_once(write, written)


@engine.retry_on_deadlock
@engine.retry_on_disconnect
def release(reservation_id):
    """Drop a reservation: its creates either wrote their rows or failed.

    Run again if the connection drops or InnoDB picks it as a deadlock's
    victim (a concurrent hold's purge of expired reservations locks the same
    rows through the project index first): deleting it twice is deleting it
    once.
    """
    with engine.writer() as session:
        session.execute(sa.delete(_RESERVATION).where(_RESERVATION.c.id == reservation_id))
