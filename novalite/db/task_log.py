"""The task log: each host's run of the instance usage audit, per audit period.

A compute host asks, once per period, for the audit of the servers that ran
on it in the last completed period (deleted ones included): they are counted
here, where the database is, and the run is recorded ``DONE`` with Nova's
message. ``os-instance_usage_audit_log`` reads the rows of a period.
"""

import time

import sqlalchemy as sa
from oslo_db import exception as db_exc

from novalite.db import engine, models

USAGE_AUDIT = 'instance_usage_audit'

_LOG = models.TaskLog.__table__
_INSTANCES = models.Instance.__table__


def _count_active(session, host, begin, end):
    return session.execute(
        sa.select(sa.func.count()).select_from(_INSTANCES).where(
            _INSTANCES.c.host == host, _INSTANCES.c.launched_at < end,
            sa.or_(_INSTANCES.c.terminated_at.is_(None), _INSTANCES.c.terminated_at > begin))
    ).scalar()


def audit_host(host, begin, end):
    """Record the usage audit of ``host`` for ``begin``..``end`` unless it ran already.

    :returns: the number of servers audited, or None when the period had
        been audited (by this host before, or by a racing request).
    """
    with engine.reader() as session:
        done = session.execute(sa.select(_LOG.c.id).where(
            _LOG.c.task_name == USAGE_AUDIT, _LOG.c.host == host,
            _LOG.c.period_beginning == begin, _LOG.c.period_ending == end)).first()
    if done is not None:
        return None
    started = time.monotonic()
    try:
        with engine.writer() as session:
            count = _count_active(session, host, begin, end)
            session.execute(sa.insert(_LOG).values(
                task_name=USAGE_AUDIT, state='DONE', host=host, period_beginning=begin,
                period_ending=end, task_items=count, errors=0, created_at=models.utcnow(),
                message=f"Instance usage audit ran for host {host}, {count} instances in "
                        f"{time.monotonic() - started:.2f} seconds."))
    except db_exc.DBDuplicateEntry:
        return None
    return count


def task_logs(task_name, begin, end):
    """The rows of ``task_name`` for exactly that period, as dicts."""
    with engine.reader() as session:
        rows = session.execute(sa.select(_LOG).where(
            _LOG.c.task_name == task_name, _LOG.c.period_beginning == begin,
            _LOG.c.period_ending == end).order_by(_LOG.c.host)).mappings().all()
    return [dict(row) for row in rows]
