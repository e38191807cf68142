"""Host aggregates: hosts grouped under metadata; ``availability_zone`` metadata is a zone.

A host's availability zone is the ``availability_zone`` metadata of an
aggregate it is in, else the zone its compute node reports (the default
zone). Aggregates are hard-deleted, as in Nova's API database.
"""

import collections
import uuid as uuid_lib

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models

ZONE_KEY = 'availability_zone'

_AGGREGATES = models.Aggregate.__table__
_HOSTS = models.AggregateHost.__table__
_METADATA = models.AggregateMetadata.__table__


def _load(session, rows):
    ids = [row['id'] for row in rows]
    hosts, metadata = collections.defaultdict(list), collections.defaultdict(dict)
    if ids:
        for aggregate_id, host in session.execute(
                sa.select(_HOSTS.c.aggregate_id, _HOSTS.c.host)
                .where(_HOSTS.c.aggregate_id.in_(ids)).order_by(_HOSTS.c.id)):
            hosts[aggregate_id].append(host)
        for aggregate_id, key, value in session.execute(
                sa.select(_METADATA.c.aggregate_id, _METADATA.c.key, _METADATA.c.value)
                .where(_METADATA.c.aggregate_id.in_(ids))):
            metadata[aggregate_id][key] = value
    return [dict(models.json_ready(dict(row)), hosts=hosts[row['id']],
                 metadata=metadata[row['id']]) for row in rows]


def _get(session, aggregate_id):
    row = session.execute(sa.select(_AGGREGATES).where(
        _AGGREGATES.c.id == aggregate_id)).mappings().first()
    if row is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return _load(session, [row])[0]


def aggregate_get(aggregate_id):
    """:raises AggregateNotFound:"""
    with engine.reader() as session:
        return _get(session, aggregate_id)


def aggregate_get_all():
    with engine.reader() as session:
        rows = session.execute(sa.select(_AGGREGATES).order_by(_AGGREGATES.c.id)).mappings()
        return _load(session, rows.all())


def _name_taken(session, name, except_id=None):
    statement = sa.select(_AGGREGATES.c.id).where(_AGGREGATES.c.name == name)
    if except_id is not None:
        statement = statement.where(_AGGREGATES.c.id != except_id)
    return session.execute(statement).first() is not None


def aggregate_create(name, metadata=None):
    """:raises AggregateNameExists:"""
    with engine.writer() as session:
        if _name_taken(session, name):
            raise exception.AggregateNameExists(aggregate_name=name)
        aggregate_id = session.execute(sa.insert(_AGGREGATES).values(
            uuid=str(uuid_lib.uuid4()), name=name,
            created_at=models.utcnow())).inserted_primary_key[0]
        _set_metadata(session, aggregate_id, metadata or {})
        return _get(session, aggregate_id)


def aggregate_update(aggregate_id, name=None, metadata=None):
    """Rename and/or change metadata (``None`` values delete keys).

    :raises AggregateNotFound, AggregateNameExists:
    """
    with engine.writer() as session:
        _get(session, aggregate_id)
        values = {'updated_at': models.utcnow()}
        if name is not None:
            if _name_taken(session, name, except_id=aggregate_id):
                raise exception.AggregateNameExists(aggregate_name=name)
            values['name'] = name
        session.execute(sa.update(_AGGREGATES).where(_AGGREGATES.c.id == aggregate_id)
                        .values(**values))
        _set_metadata(session, aggregate_id, metadata or {})
        return _get(session, aggregate_id)


def _set_metadata(session, aggregate_id, changes):
    now = models.utcnow()
    for key, value in changes.items():
        session.execute(sa.delete(_METADATA).where(_METADATA.c.aggregate_id == aggregate_id,
                                                   _METADATA.c.key == key))
        if value is not None:
            session.execute(sa.insert(_METADATA).values(
                aggregate_id=aggregate_id, key=key, value=value, created_at=now))


def aggregate_delete(aggregate_id):
    """:raises AggregateNotFound, InvalidAggregateAction: it still has hosts."""
    with engine.writer() as session:
        if _get(session, aggregate_id)['hosts']:
            raise exception.InvalidAggregateAction(
                aggregate_id=aggregate_id, reason="Host aggregate is not empty")
        session.execute(sa.delete(_METADATA).where(_METADATA.c.aggregate_id == aggregate_id))
        session.execute(sa.delete(_AGGREGATES).where(_AGGREGATES.c.id == aggregate_id))


def aggregate_host_add(aggregate_id, host):
    """:raises AggregateNotFound, AggregateHostExists:"""
    with engine.writer() as session:
        if host in _get(session, aggregate_id)['hosts']:
            raise exception.AggregateHostExists(aggregate_id=aggregate_id, host=host)
        session.execute(sa.insert(_HOSTS).values(aggregate_id=aggregate_id, host=host,
                                                 created_at=models.utcnow()))
        return _get(session, aggregate_id)


def aggregate_host_delete(aggregate_id, host):
    """:raises AggregateNotFound, AggregateHostNotFound:"""
    with engine.writer() as session:
        _get(session, aggregate_id)
        deleted = session.execute(sa.delete(_HOSTS).where(
            _HOSTS.c.aggregate_id == aggregate_id, _HOSTS.c.host == host)).rowcount
        if not deleted:
            raise exception.AggregateHostNotFound(aggregate_id=aggregate_id, host=host)
        return _get(session, aggregate_id)


def metadata_by_host(key=None, hosts=None):
    """``{host: {key: {value, ...}}}`` over every aggregate of each host; one query.

    :param key: only this metadata key.
    :param hosts: only these hosts.
    """
    statement = (sa.select(_HOSTS.c.host, _METADATA.c.key, _METADATA.c.value)
                 .join(_METADATA, _METADATA.c.aggregate_id == _HOSTS.c.aggregate_id))
    if key is not None:
        statement = statement.where(_METADATA.c.key == key)
    if hosts is not None:
        statement = statement.where(_HOSTS.c.host.in_(sorted(hosts)))
    found = collections.defaultdict(lambda: collections.defaultdict(set))
    with engine.reader() as session:
        for host, meta_key, value in session.execute(statement):
            found[host][meta_key].add(value)
    return found


def zones_by_host(hosts=None):
    """``{host: zone}`` of the hosts in an aggregate with an ``availability_zone``.

    A host in several zoned aggregates (which the API refuses) shows the
    first zone by name, so every reader agrees.
    """
    return {host: min(metadata[ZONE_KEY])
            for host, metadata in metadata_by_host(ZONE_KEY, hosts).items()}


def hosts_with_other_zone(hosts, zone, except_id):
    """The hosts among ``hosts`` in another aggregate whose zone is not ``zone``."""
    statement = (sa.select(_HOSTS.c.host)
                 .join(_METADATA, _METADATA.c.aggregate_id == _HOSTS.c.aggregate_id)
                 .where(_HOSTS.c.host.in_(sorted(hosts)), _METADATA.c.key == ZONE_KEY,
                        _METADATA.c.value != zone, _HOSTS.c.aggregate_id != except_id))
    with engine.reader() as session:
        return sorted(set(session.execute(statement).scalars()))
