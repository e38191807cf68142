"""Flavors: the sizes servers are built with."""

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models

_FLAVOR = models.Flavor
_SPEC = models.FlavorExtraSpec.__table__
_ACCESS = models.FlavorProject.__table__


def _visible_to(table, project_id):
    """Public flavors, or private ones ``project_id`` was given access to (Nova's rule)."""
    granted = sa.select(_ACCESS.c.id).where(_ACCESS.c.flavor_id == table.c.id,
                                            _ACCESS.c.project_id == project_id)
    return sa.or_(table.c.is_public == sa.true(), granted.exists())


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


def flavor_get_by_flavorid(flavorid, read_deleted=False, project_id=None):
    """Core queries: every server create looks its flavor up.

    :param project_id: when given (a non-admin caller's project), a private
        flavor that project has no access to is not found.
    :raises FlavorNotFound:
    """
    table = _FLAVOR.__table__
    query = sa.select(table).where(table.c.flavorid == str(flavorid))
    if not read_deleted:
        query = query.where(table.c.deleted == 0)
    if project_id is not None:
        query = query.where(_visible_to(table, project_id))
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
                   marker=None, sort_key='flavorid', sort_dir='asc', project_id=None):
    """Live flavors; ``is_public`` None lists public and private ones.

    With ``is_public`` True, the private flavors ``project_id`` has access to
    are listed too, as Nova lists them.

    :raises FlavorNotFound: the marker is not a flavor id.
    """
    with engine.reader() as session:
        query = session.query(_FLAVOR).filter_by(deleted=0, disabled=False)
        if is_public and project_id is not None:
            query = query.filter(_visible_to(_FLAVOR.__table__, project_id))
        elif is_public is not None:
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
        row = _live_flavor(session, flavorid)
        row.deleted, row.deleted_at = row.id, models.utcnow()


def _live_flavor(session, flavorid):
    row = session.query(_FLAVOR).filter_by(flavorid=str(flavorid), deleted=0).one_or_none()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return row


def flavor_update(flavorid, values):
    """Set columns of a live flavor (its description); returns it.

    :raises FlavorNotFound:
    """
    with engine.writer() as session:
        row = _live_flavor(session, flavorid)
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        return to_dict(row)


def extra_specs_update(flavorid, specs):
    """Add or replace extra specs of a live flavor; returns all of them.

    :raises FlavorNotFound:
    """
    with engine.writer() as session:
        row = _live_flavor(session, flavorid)
        existing = {spec.key: spec for spec in row.extra_specs}
        for key, value in specs.items():
            if key in existing:
                existing[key].value = value
            else:
                row.extra_specs.append(models.FlavorExtraSpec(key=key, value=value))
        session.flush()
        return {spec.key: spec.value for spec in row.extra_specs}


def extra_spec_delete(flavorid, key):
    """:raises FlavorNotFound: no such flavor, or it has no extra spec ``key``."""
    with engine.writer() as session:
        row = _live_flavor(session, flavorid)
        deleted = session.execute(sa.delete(_SPEC).where(_SPEC.c.flavor_id == row.id,
                                                         _SPEC.c.key == key)).rowcount
        if not deleted:
            raise exception.FlavorExtraSpecNotFound(flavor_id=flavorid, key=key)


def access_get(flavorid):
    """Projects given access to a live flavor, in the order they were added.

    :raises FlavorNotFound:
    """
    with engine.reader() as session:
        row = _live_flavor(session, flavorid)
        return list(session.execute(sa.select(_ACCESS.c.project_id)
                                    .where(_ACCESS.c.flavor_id == row.id)
                                    .order_by(_ACCESS.c.id)).scalars())


def access_add(flavorid, project_id):
    """:raises FlavorNotFound:
    :raises FlavorAccessExists:
    """
    with engine.writer() as session:
        row = _live_flavor(session, flavorid)
        taken = session.execute(sa.select(_ACCESS.c.id).where(
            _ACCESS.c.flavor_id == row.id, _ACCESS.c.project_id == project_id)).first()
        if taken is not None:
            raise exception.FlavorAccessExists(flavor_id=flavorid, project_id=project_id)
        now = models.utcnow()
        session.execute(sa.insert(_ACCESS).values(flavor_id=row.id, project_id=project_id,
                                                  created_at=now))


def access_remove(flavorid, project_id):
    """:raises FlavorNotFound:
    :raises FlavorAccessNotFound:
    """
    with engine.writer() as session:
        row = _live_flavor(session, flavorid)
        removed = session.execute(sa.delete(_ACCESS).where(
            _ACCESS.c.flavor_id == row.id, _ACCESS.c.project_id == project_id)).rowcount
        if not removed:
            raise exception.FlavorAccessNotFound(flavor_id=flavorid, project_id=project_id)
