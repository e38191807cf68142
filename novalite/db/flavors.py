"""Flavors: the sizes servers are built with."""

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models

_FLAVOR = models.Flavor
_SPEC = models.FlavorExtraSpec.__table__


def to_dict(row):
    values = row.as_dict()
    values['extra_specs'] = {spec.key: spec.value for spec in row.extra_specs}
    return values


def flavor_create(values):
    """:raises FlavorExists: the id or the name is taken."""
    values = dict(values)
    extra_specs = values.pop('extra_specs', None) or {}
    with engine.writer() as session:
        for key in ('flavorid', 'name'):
            taken = session.query(_FLAVOR).filter_by(deleted=0, **{key: values[key]}).first()
            if taken is not None:
                raise exception.FlavorExists(key='id' if key == 'flavorid' else key,
                                             value=values[key])
        row = _FLAVOR(**values)
        row.extra_specs = [models.FlavorExtraSpec(key=k, value=v)
                           for k, v in extra_specs.items()]
        session.add(row)
        session.flush()
        return to_dict(row)


def flavor_get_by_flavorid(flavorid, read_deleted=False):
    """Core queries: every server create looks its flavor up.

    :raises FlavorNotFound:
    """
    table = _FLAVOR.__table__
    query = sa.select(table).where(table.c.flavorid == str(flavorid))
    if not read_deleted:
        query = query.where(table.c.deleted == 0)
    with engine.reader() as session:
        row = session.execute(query.order_by(table.c.deleted).limit(1)).mappings().first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        specs = session.execute(sa.select(_SPEC.c.key, _SPEC.c.value)
                                .where(_SPEC.c.flavor_id == row['id'])).all()
    values = models.json_ready(row)
    values['extra_specs'] = dict(specs)
    return values


def flavor_get_all(is_public=True, min_memory_mb=None, min_root_gb=None, limit=None,
                   marker=None, sort_key='flavorid', sort_dir='asc'):
    """Live flavors; ``is_public`` None lists public and private ones.

    :raises FlavorNotFound: the marker is not a flavor id.
    """
    with engine.reader() as session:
        query = session.query(_FLAVOR).filter_by(deleted=0, disabled=False)
        if is_public is not None:
            query = query.filter_by(is_public=is_public)
        if min_memory_mb is not None:
            query = query.filter(_FLAVOR.memory_mb >= min_memory_mb)
        if min_root_gb is not None:
            query = query.filter(_FLAVOR.root_gb >= min_root_gb)
        column = getattr(_FLAVOR, sort_key)
        query = query.order_by(column.desc() if sort_dir == 'desc' else column, _FLAVOR.id)
        if marker is not None:
            query = _after_marker(session, query, marker, column, sort_dir)
        if limit is not None:
            query = query.limit(limit)
        return [to_dict(row) for row in query]


def _after_marker(session, query, marker, column, sort_dir):
    row = session.query(_FLAVOR).filter_by(flavorid=str(marker), deleted=0).one_or_none()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=marker)
    value = getattr(row, column.key)
    if sort_dir == 'desc':
        return query.filter(sa.or_(column < value, sa.and_(column == value, _FLAVOR.id > row.id)))
    return query.filter(sa.or_(column > value, sa.and_(column == value, _FLAVOR.id > row.id)))


def flavor_destroy(flavorid):
    """:raises FlavorNotFound:"""
    with engine.writer() as session:
        row = session.query(_FLAVOR).filter_by(flavorid=str(flavorid), deleted=0).one_or_none()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        row.deleted, row.deleted_at = row.id, models.utcnow()
