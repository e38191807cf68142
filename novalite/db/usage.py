"""Usage over a period: the servers that ran in it, deleted ones included.

``os-simple-tenant-usage`` bills a server from ``launched_at`` to
``terminated_at`` (or the end of the period); a server that never launched
ran for nothing.
"""

import orjson
import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models

_TABLE = models.Instance.__table__
_COLUMNS = (_TABLE.c.id, _TABLE.c.uuid, _TABLE.c.display_name, _TABLE.c.project_id,
            _TABLE.c.flavor, _TABLE.c.vm_state, _TABLE.c.launched_at, _TABLE.c.terminated_at)


def instances_active_in(start, stop, project_id=None, limit=None, marker=None):
    """Servers that ran between ``start`` and ``stop`` (naive UTC datetimes), oldest first.

    Each is a dict of ``uuid``, ``display_name``, ``project_id``, ``flavor``
    (the snapshot taken at create), ``vm_state``, ``launched_at`` and
    ``terminated_at`` (datetimes).

    :param marker: the uuid of the last server of the previous page.
    :raises MarkerNotFound:
    """
    query = sa.select(*_COLUMNS).where(
        sa.or_(_TABLE.c.terminated_at.is_(None), _TABLE.c.terminated_at > start),
        _TABLE.c.launched_at < stop)
    if project_id is not None:
        query = query.where(_TABLE.c.project_id == project_id)
    with engine.reader() as session:
        if marker is not None:
            after = session.execute(sa.select(_TABLE.c.id).where(_TABLE.c.uuid == marker)
                                    ).scalar()
            if after is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(_TABLE.c.id > after)
        query = query.order_by(_TABLE.c.id)
        if limit is not None:
            query = query.limit(limit)
        rows = session.execute(query).mappings().all()
    return [dict(row, flavor=orjson.loads(row['flavor'])) for row in rows]
