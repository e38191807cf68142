"""Instances: create, read, conditional update, soft delete, and listing."""

import datetime
import json

import orjson
import sqlalchemy as sa
from oslo_log import log as logging

from novalite import exception
from novalite.db import actions, engine, models, server_groups, tags
from novalite.db.models import utcnow

LOG = logging.getLogger(__name__)

_INST = models.Instance
_TABLE = _INST.__table__
# Row column -> instance dict key, for the columns that hold JSON. They are
# decoded with orjson: every instance read decodes several, and listings
# hundreds.
_JSON_FIELDS = {'flavor': 'flavor', 'system_metadata': 'system_metadata',
                'request_spec': 'request_spec', 'user_metadata': 'metadata',
                'network_info': 'network_info'}
_DATETIME_FIELDS = frozenset(column.key for column in _INST.__table__.columns
                             if isinstance(column.type, sa.DateTime))
# The instance dict every service passes around leaves out the request spec:
# only a conductor recovering a lost build reads it, and every RPC message
# and read would otherwise carry it.
_INSTANCE_COLUMNS = [column for column in _TABLE.columns if column.key != 'request_spec']


def to_dict(row):
    """An instance row (ORM object) as the dict every service passes around."""
    columns = row.as_dict()
    del columns['request_spec']
    return _as_instance(columns)


def _as_instance(columns):
    values = models.json_ready(columns)
    for column, key in _JSON_FIELDS.items():
        if column in values:
            values[key] = orjson.loads(values.pop(column))
    values['name'] = 'instance-' + values['uuid']
    return values


# Built once: constructing a select of every column costs more than running it.
_SELECT_INSTANCE = sa.select(*_INSTANCE_COLUMNS).where(_TABLE.c.uuid == sa.bindparam('uuid'))
_SELECT_LIVE_INSTANCE = _SELECT_INSTANCE.where(_TABLE.c.deleted == 0)


def _fetch(session, instance_uuid, read_deleted=False):
    """One instance as a dict, read with one Core query (the hot path of RPC calls)."""
    query = _SELECT_INSTANCE if read_deleted else _SELECT_LIVE_INSTANCE
    row = session.execute(query, {'uuid': instance_uuid}).mappings().first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    return _as_instance(row)


def _row_values(values):
    """Instance dict values as row values: JSON fields as text, ISO strings as datetimes."""
    values = dict(values)
    for column, key in _JSON_FIELDS.items():
        if key in values:
            value = values.pop(key)
            values[column] = value if isinstance(value, str) else json.dumps(value)
    # Timestamps arrive over RPC as ISO strings.
    for field in _DATETIME_FIELDS.intersection(values):
        if isinstance(values[field], str):
            values[field] = datetime.datetime.fromisoformat(values[field]).replace(tzinfo=None)
    return values


def instances_create(values_list, action=None, with_rows=None):
    """Create instances in one transaction.

    :param action: ``{'action', 'request_id', 'user_id', 'project_id'}`` to
        start for each instance in the same transaction, so that no instance
        exists without the action that created it.
    :param with_rows: ``with_rows(session, uuids)`` writes what the new
        instances come with (mappings, tags, group membership) in the same
        transaction, so none exists without them. It runs first, so that a
        lock it takes is the transaction's first statement; what it raises
        leaves nothing written.

    Each value carries its ``uuid``: a connection lost at the commit is
    resolved by looking the instances up (:func:`engine.write_once`), so a
    caller never fails a create that happened, nor makes it twice.
    """
    uuids = [values['uuid'] for values in values_list]

    def write():
        with engine.writer() as session:
            if with_rows is not None:
                with_rows(session, uuids)
            rows = []
            for values in values_list:
                row = _INST(**_row_values(values))
                session.add(row)
                rows.append(row)
            session.flush()
            if action is not None:
                actions.insert_started(session, uuids, **action)
            return [to_dict(row) for row in rows]

    def written():
        with engine.reader() as session:
            found = _fetch_many(session, uuids)
        # One transaction: all of them or none.
        return [found[uuid] for uuid in uuids] if found else None

    return engine.write_once(write, written)


def _fetch_many(session, instance_uuids):
    rows = session.execute(sa.select(*_INSTANCE_COLUMNS)
                           .where(_TABLE.c.uuid.in_(instance_uuids))).mappings()
    return {row['uuid']: _as_instance(row) for row in rows}


@engine.retry_on_deadlock
def instances_place(placements):
    """Record the (host, node, zone) chosen for each scheduling instance, in one transaction.

    ``placements`` maps instance uuid to ``(host, node, availability zone)``:
    as in Nova, a placed server is in its host's zone, and shows it without
    a lookup. An instance that is no longer scheduling (deleted meanwhile)
    is left out. Returns the uuids placed.
    """
    now = utcnow()
    with engine.writer() as session:
        placed = []
        for uuid, (host, node, zone) in placements.items():
            statement = (sa.update(_TABLE)
                         .where(_TABLE.c.uuid == uuid, _TABLE.c.deleted == 0,
                                _TABLE.c.task_state == 'scheduling')
                         .values(host=host, node=node, launched_on=host,
                                 availability_zone=zone, updated_at=now))
            if session.execute(statement).rowcount:
                placed.append(uuid)
        return placed


def instance_get(instance_uuid, read_deleted=False):
    """:raises InstanceNotFound:"""
    with engine.reader() as session:
        return _fetch(session, instance_uuid, read_deleted)


@engine.retry_on_deadlock
def instance_update(instance_uuid, values, expected_task_state=None,
                    expected_vm_state=None, expected_host=None, action_event=None,
                    read_back=True):
    """Update an instance, optionally only from expected states.

    ``expected_task_state``/``expected_vm_state`` are a value or a list of
    values, ``expected_host`` a host name; the check and the write are one
    UPDATE so two workers cannot both move an instance out of the same state.
    ``action_event`` (:func:`actions.record_event`'s arguments after the
    instance's uuid) is recorded in the same transaction when the update is
    made, and skipped when the request has no action on the instance.
    Returns the updated instance, or None if not ``read_back``.

    :raises InstanceNotFound: no such live instance.
    :raises UnexpectedTaskStateError: the instance is not in an expected state.
    """
    values = _row_values(values)
    values['updated_at'] = utcnow()
    with engine.writer() as session:
        # The table, not the ORM class: a plain UPDATE skips the ORM's
        # bulk-update bookkeeping, which cost more than the statement.
        statement = sa.update(_TABLE).where(_TABLE.c.uuid == instance_uuid,
                                            _TABLE.c.deleted == 0)
        statement = _expect(statement, _TABLE.c.task_state, expected_task_state)
        statement = _expect(statement, _TABLE.c.vm_state, expected_vm_state)
        statement = _expect(statement, _TABLE.c.host, expected_host)
        matched = session.execute(statement.values(**values)).rowcount
        if not matched:
            current = _fetch(session, instance_uuid)
            field = 'task_state' if expected_task_state is not None else 'vm_state'
            raise exception.UnexpectedTaskStateError(
                instance_uuid=instance_uuid, actual=current[field],
                expected=expected_task_state if expected_task_state is not None
                else expected_vm_state)
        if action_event:
            _record_event(session, instance_uuid, action_event)
        return _fetch(session, instance_uuid) if read_back else None


def _record_event(session, instance_uuid, action_event):
    try:
        actions.record_event(session, instance_uuid, **action_event)
    except exception.InstanceActionNotFound:
        LOG.debug('No action %s on %s to record %s under', action_event['request_id'],
                  instance_uuid, action_event['event'])


def _expect(statement, column, expected):
    if expected is None:
        return statement
    expected = expected if isinstance(expected, (list, tuple)) else [expected]
    conditions = [column.is_(None) if value is None else column == value for value in expected]
    return statement.where(sa.or_(*conditions))


@engine.retry_on_deadlock
def instance_destroy(instance_uuid, action_event=None):
    """Soft-delete an instance (vm_state ``deleted``).

    ``action_event`` as for :func:`instance_update`.

    :raises InstanceNotFound:
    """
    now = utcnow()
    with engine.writer() as session:
        matched = session.execute(
            sa.update(_TABLE).where(_TABLE.c.uuid == instance_uuid, _TABLE.c.deleted == 0)
            .values(vm_state='deleted', task_state=None, deleted=_TABLE.c.id, deleted_at=now,
                    terminated_at=now, updated_at=now)).rowcount
        if not matched:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        # As in Nova, a deleted server keeps no tags and leaves its groups.
        tags.delete_for_instance(session, instance_uuid)
        server_groups.remove_member(session, instance_uuid)
        if action_event:
            _record_event(session, instance_uuid, action_event)


def instance_get_all_by_host(host):
    """Live instances whose ``host`` is ``host``."""
    statement = (sa.select(*_INSTANCE_COLUMNS)
                 .where(_TABLE.c.host == host, _TABLE.c.deleted == 0).order_by(_TABLE.c.id))
    with engine.reader() as session:
        return [_as_instance(row) for row in session.execute(statement).mappings()]


def instance_get_all(filters=None, limit=None, marker=None, sort_key='created_at',
                     sort_dir='desc'):
    """Instances matching ``filters``, paged by ``marker`` (an instance uuid).

    Filters: ``project_id``, ``user_id``, ``host``, ``node``, ``vm_state``
    (value or list), ``task_state``, ``image_ref``, ``flavor_id``
    (instance_type_id), ``reservation_id``, ``availability_zone``, ``locked``,
    ``uuids`` (list), ``regex`` (``{column: pattern}``, each a regular
    expression searched in the column, as Nova matches ``name`` and the other
    regex filters), ``tags`` (the keyword arguments of
    :func:`novalite.db.tags.instance_tag_criteria`), ``changes_since`` and
    ``changes_before`` (datetimes), ``deleted`` (True: only deleted, False:
    only live, None: both).

    :raises InstanceNotFound: the marker is not an instance in the result set.
    """
    with engine.reader() as session:
        statement = _page(session, sa.select(*_INSTANCE_COLUMNS), filters, limit, marker,
                          sort_key, sort_dir)
        return [_as_instance(row) for row in session.execute(statement).mappings()]


def _page(session, statement, filters, limit, marker, sort_key, sort_dir):
    """A select of instances filtered, ordered (ties broken by id) and cut after ``marker``.

    Core statements on the table: rows are several times cheaper to build
    than ORM objects, and listings read hundreds.
    """
    statement = _apply_filters(statement, dict(filters or {}))
    column = _TABLE.c[sort_key]
    order = [column.desc(), _TABLE.c.id.desc()] if sort_dir == 'desc' else [column, _TABLE.c.id]
    statement = statement.order_by(*order)
    if marker is not None:
        statement = _after_marker(session, statement, marker, column, sort_dir)
    if limit is not None:
        statement = statement.limit(limit)
    return statement


_EQUALITY_FILTERS = {'project_id': 'project_id', 'user_id': 'user_id', 'host': 'host',
                     'node': 'node', 'task_state': 'task_state', 'image_ref': 'image_ref',
                     'flavor_id': 'instance_type_id', 'reservation_id': 'reservation_id',
                     'availability_zone': 'availability_zone', 'locked': 'locked'}


def _apply_filters(statement, filters):
    columns = _TABLE.c
    deleted = filters.pop('deleted', False)
    if deleted is True:
        statement = statement.where(columns.deleted != 0)
    elif deleted is False:
        statement = statement.where(columns.deleted == 0)
    for key, column in _EQUALITY_FILTERS.items():
        if filters.get(key) is not None:
            statement = statement.where(columns[column] == filters[key])
    if filters.get('vm_state') is not None:
        states = filters['vm_state']
        states = states if isinstance(states, (list, tuple)) else [states]
        statement = statement.where(columns.vm_state.in_(states))
    for column, pattern in (filters.get('regex') or {}).items():
        searched = columns[column]
        if not isinstance(searched.type, sa.String):
            searched = sa.cast(searched, sa.String)
        statement = statement.where(searched.regexp_match(pattern))
    if filters.get('tags'):
        statement = statement.where(*tags.instance_tag_criteria(columns.uuid, **filters['tags']))
    if filters.get('uuids') is not None:
        statement = statement.where(columns.uuid.in_(filters['uuids']))
    if filters.get('changes_since') is not None:
        # From the start of its second: MySQL and MariaDB keep whole seconds,
        # so a change made just after changes-since may be stored before it.
        # Listing a few earlier changes too is harmless; missing one is not.
        since = filters['changes_since'].replace(microsecond=0)
        statement = statement.where(
            sa.func.coalesce(columns.updated_at, columns.created_at) >= since)
    if filters.get('changes_before') is not None:
        statement = statement.where(
            sa.func.coalesce(columns.updated_at, columns.created_at) <= filters['changes_before'])
    return statement


def _after_marker(session, statement, marker, column, sort_dir):
    row = session.execute(sa.select(column, _TABLE.c.id)
                          .where(_TABLE.c.uuid == marker)).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=marker)
    value, marker_id = row
    ids = _TABLE.c.id
    if sort_dir == 'desc':
        return statement.where(sa.or_(column < value, sa.and_(column == value, ids < marker_id)))
    return statement.where(sa.or_(column > value, sa.and_(column == value, ids > marker_id)))


def instance_count_by_host():
    """``{host: live instance count}`` for the scheduler's instance weigher."""
    with engine.reader() as session:
        rows = session.execute(
            sa.select(_INST.host, _INST.node, sa.func.count())
            .where(_INST.deleted == 0, _INST.node.is_not(None))
            .group_by(_INST.host, _INST.node))
        return {(host, node): count for host, node, count in rows}


def instance_take_stale_builds(task_state, older_than):
    """Take instances stuck in ``task_state`` since before ``older_than``.

    Each is taken with its own conditional UPDATE (host and node cleared,
    ``updated_at`` refreshed), so of several conductors recovering at once
    exactly one takes a given instance. Returns the taken instances.
    """
    with engine.writer() as session:
        stale = session.execute(
            sa.select(_INST.uuid).where(
                _INST.deleted == 0, _INST.task_state == task_state,
                sa.func.coalesce(_INST.updated_at, _INST.created_at) < older_than)).scalars().all()
        taken = []
        for uuid in stale:
            statement = (sa.update(_INST)
                         .where(_INST.uuid == uuid, _INST.deleted == 0,
                                _INST.task_state == task_state,
                                sa.func.coalesce(_INST.updated_at, _INST.created_at) < older_than)
                         .values(host=None, node=None, updated_at=utcnow())
                         .execution_options(synchronize_session=False))
            if session.execute(statement).rowcount:
                taken.append(uuid)
        return list(_fetch_many(session, taken).values()) if taken else []


def instance_get_unchanged_tasks(older_than):
    """Live instances in some task_state that have not changed since ``older_than``."""
    statement = sa.select(*_INSTANCE_COLUMNS).where(
        _TABLE.c.deleted == 0, _TABLE.c.task_state.is_not(None),
        sa.func.coalesce(_TABLE.c.updated_at, _TABLE.c.created_at) < older_than)
    with engine.reader() as session:
        return [_as_instance(row) for row in session.execute(statement).mappings()]


def request_spec_get(instance_uuid):
    """The request spec an instance was created with (``{}`` if none was kept).

    :raises InstanceNotFound:
    """
    with engine.reader() as session:
        spec = session.execute(sa.select(_TABLE.c.request_spec).where(
            _TABLE.c.uuid == instance_uuid, _TABLE.c.deleted == 0)).first()
    if spec is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    return orjson.loads(spec[0] or '{}')


def requested_zones(instance_uuids):
    """``{uuid: zone}``: the zone each server was asked for at create (2.96's pinned zone).

    The zone part of the spec's ``zone[:host[:node]]``, None when none was
    asked for; read only for the API versions that show it.
    """
    if not instance_uuids:
        return {}
    statement = sa.select(_TABLE.c.uuid, _TABLE.c.request_spec).where(
        _TABLE.c.uuid.in_(sorted(set(instance_uuids))))
    with engine.reader() as session:
        rows = session.execute(statement).all()
    return {uuid: (orjson.loads(spec or '{}').get('availability_zone') or '').partition(':')[0]
            or None for uuid, spec in rows}


# API listings render hundreds of instances per request: read plain rows of
# only the columns they show (no ORM objects; drivers such as PyMySQL decode
# every value in Python), in one query.
_LISTING_COLUMNS = [_TABLE.c[name] for name in (
    'uuid', 'display_name', 'display_description', 'project_id', 'user_id', 'host', 'node',
    'hostname',
    'image_ref', 'flavor', 'vm_state', 'task_state', 'power_state', 'availability_zone',
    'config_drive', 'key_name', 'system_metadata', 'user_metadata', 'network_info',
    'access_ip_v4', 'access_ip_v6', 'locked', 'progress', 'launched_at', 'terminated_at',
    'created_at', 'updated_at')]
# Shown to admins only (Nova's extended server attributes of 2.3; the
# hostname, which 2.90 shows to everyone, is read for every listing).
_EXTENDED_COLUMNS = [_TABLE.c[name] for name in (
    'kernel_id', 'ramdisk_id', 'reservation_id', 'launch_index', 'user_data')]


_BASIC_COLUMNS = [_TABLE.c.uuid, _TABLE.c.display_name]


def instance_get_all_for_listing(filters=None, limit=None, marker=None, sort_key='created_at',
                                 sort_dir='desc', columns='detail'):
    """As :func:`instance_get_all`, but lean, for API views.

    :param columns: ``basic`` (uuid and display_name only), ``detail``
        (``_LISTING_COLUMNS``, JSON fields decoded, flavor and
        system_metadata shared between rows and so read-only) or
        ``extended`` (also ``_EXTENDED_COLUMNS``). Datetimes stay
        ``datetime`` objects.
    :raises InstanceNotFound: the marker is not an instance in the result set.
    """
    if columns == 'basic':
        return _listing(filters, limit, marker, sort_key, sort_dir, _BASIC_COLUMNS)
    selected = _LISTING_COLUMNS + (_EXTENDED_COLUMNS if columns == 'extended' else [])
    found = _listing(filters, limit, marker, sort_key, sort_dir, selected)
    shared = _shared_json_decoder()
    for values in found:
        values['flavor'] = shared(values['flavor'])
        values['system_metadata'] = shared(values['system_metadata'])
        values['metadata'] = orjson.loads(values.pop('user_metadata'))
        values['network_info'] = orjson.loads(values['network_info'])
        values['name'] = 'instance-' + values['uuid']
    return found


def _shared_json_decoder():
    """``json.loads`` that decodes each distinct text once and shares the result.

    Servers of one flavor and image carry the same flavor and system
    metadata texts: a page of them decodes a handful instead of two per row.
    """
    decoded = {}

    def decode(text):
        text = text or '{}'
        if text not in decoded:
            decoded[text] = orjson.loads(text)
        return decoded[text]
    return decode


def _listing(filters, limit, marker, sort_key, sort_dir, columns):
    """Rows of ``columns`` as dicts."""
    keys = [column.key for column in columns]
    with engine.reader() as session:
        statement = _page(session, sa.select(*columns), filters, limit, marker, sort_key,
                          sort_dir)
        return [dict(zip(keys, row, strict=True)) for row in session.execute(statement)]
