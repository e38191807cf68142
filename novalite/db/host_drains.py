"""Host drains: the servers of one host moved off it, a few at a time (beyond Nova).

A drain row names the host, the mode (``live`` or ``cold``), its limits and
the conductor that claimed it to run it. Each of the host's servers has an item, which
walks ``queued`` -> ``running`` -> ``completed`` or ``failed``; a server no
move starts from is ``skipped``. An item starts only inside the drain's
``max_outbound`` and the cloud's ``max_parallel`` running items, checked and
taken in one transaction that locks the running drains, so conductors
racing for the last slot cannot both take it.
"""

import json
import uuid as uuid_lib

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models

_DRAIN = models.HostDrain
_ITEM = models.HostDrainItem
FINAL_ITEM_STATUSES = ('completed', 'failed', 'skipped')


def _item_dict(row):
    return dict(row.as_dict(), avoid_hosts=json.loads(row.avoid_hosts or '[]'))


def drain_create(host, mode, max_outbound, max_parallel, moves, skipped):
    """Record a drain of ``host``: ``moves`` maps instance uuids to ``live``/``cold``,
    ``skipped`` maps the others to why.

    :raises HostDrainInProgress: the host is being drained already (409).
    """
    with engine.writer() as session:
        running = session.execute(sa.select(_DRAIN.uuid).where(
            _DRAIN.host == host, _DRAIN.status == 'running').with_for_update()).scalar()
        if running is not None:
            raise exception.HostDrainInProgress(host=host, drain_id=running)
        drain = _DRAIN(uuid=str(uuid_lib.uuid4()), host=host, mode=mode, status='running',
                       max_outbound=max_outbound, max_parallel=max_parallel)
        session.add(drain)
        session.add_all([_ITEM(drain_uuid=drain.uuid, instance_uuid=instance_uuid,
                               status='queued', move=move, attempts=0, avoid_hosts='[]')
                         for instance_uuid, move in moves.items()])
        session.add_all([_ITEM(drain_uuid=drain.uuid, instance_uuid=instance_uuid,
                               status='skipped', attempts=0, avoid_hosts='[]',
                               message=reason[:255])
                         for instance_uuid, reason in skipped.items()])
        session.flush()
        return drain.as_dict()


def drain_get(drain_uuid):
    """A drain with its ``items``. :raises HostDrainNotFound:"""
    with engine.reader() as session:
        drain = session.execute(sa.select(_DRAIN).where(_DRAIN.uuid == drain_uuid)).scalar()
        if drain is None:
            raise exception.HostDrainNotFound(drain_id=drain_uuid)
        items = session.execute(sa.select(_ITEM).where(_ITEM.drain_uuid == drain_uuid)
                                .order_by(_ITEM.id)).scalars()
        return dict(drain.as_dict(), items=[_item_dict(item) for item in items])


def drain_get_all(host=None, status=None):
    """Drains, newest first, without their items."""
    query = sa.select(_DRAIN).order_by(_DRAIN.id.desc())
    if host is not None:
        query = query.where(_DRAIN.host == host)
    if status is not None:
        query = query.where(_DRAIN.status == status)
    with engine.reader() as session:
        return [row.as_dict() for row in session.execute(query).scalars()]


def drain_claim(drain_uuid, conductor):
    """Make ``conductor`` the drain's runner unless another is; True if it now is."""
    with engine.writer() as session:
        claimed = session.execute(sa.update(_DRAIN).where(
            _DRAIN.uuid == drain_uuid, _DRAIN.status == 'running',
            sa.or_(_DRAIN.conductor.is_(None), _DRAIN.conductor == conductor))
            .values(conductor=conductor))
        return claimed.rowcount == 1


def drain_finish(drain_uuid, status):
    with engine.writer() as session:
        session.execute(sa.update(_DRAIN).where(_DRAIN.uuid == drain_uuid).values(
            status=status, finished_at=models.utcnow()))


def item_update(item_id, values):
    if 'avoid_hosts' in values:
        values = dict(values, avoid_hosts=json.dumps(values['avoid_hosts']))
    with engine.writer() as session:
        session.execute(sa.update(_ITEM).where(_ITEM.id == item_id).values(**values))


def item_take_slot(drain, item_id):
    """Mark a queued item running if the drain's and the cloud's limits allow; True if so."""
    with engine.writer() as session:
        drains = session.execute(sa.select(_DRAIN.uuid).where(
            _DRAIN.status == 'running').with_for_update()).scalars().all()
        running = dict(session.execute(
            sa.select(_ITEM.drain_uuid, sa.func.count()).where(
                _ITEM.drain_uuid.in_(drains), _ITEM.status == 'running')
            .group_by(_ITEM.drain_uuid)).all())
        if running.get(drain['uuid'], 0) >= drain['max_outbound'] or \
                sum(running.values()) >= drain['max_parallel']:
            return False
        # The attempt counts from here: a conductor killed before the move
        # started must not get unlimited retries.
        taken = session.execute(sa.update(_ITEM).where(
            _ITEM.id == item_id, _ITEM.status == 'queued').values(
            status='running', started_at=models.utcnow(), migration_uuid=None,
            attempts=_ITEM.attempts + 1))
        return taken.rowcount == 1
