"""Atomic resource claims: allocations and the usage columns of compute nodes.

A claim is one conditional UPDATE that adds the request to a node's usage
only if the result still fits under the node's limits, followed by the
allocation row, in one transaction. The database serializes concurrent
UPDATEs of a row and re-checks the condition against the committed values, so
any number of scheduler or conductor workers can claim concurrently without
overcommitting and without reading other allocations first.

Limits, as Nova computes them:
``vcpus``: ``(vcpus - reserved_host_cpus) * cpu_allocation_ratio``;
``memory_mb``: ``(memory_mb - reserved_host_memory_mb) * ram_allocation_ratio``;
``disk_gb``: ``(local_gb - reserved_host_disk_mb / 1024) * disk_allocation_ratio``.
"""

import sqlalchemy as sa

from novalite.db import engine, models, server_groups

_NODE = models.ComputeNode
_ALLOC = models.Allocation
_NODES = _NODE.__table__
_ALLOCS = _ALLOC.__table__

# Built once, on the tables: every claim and release runs them, and building
# an UPDATE (or an ORM flush) cost more than executing it.
_ADDED = {'vcpus': sa.bindparam('add_vcpus'), 'memory_mb': sa.bindparam('add_memory_mb'),
          'disk_gb': sa.bindparam('add_disk_gb')}
_ADD_USAGE = (
    sa.update(_NODES)
    .where(_NODES.c.id == sa.bindparam('node'), _NODES.c.deleted == 0)
    .values(vcpus_used=_NODES.c.vcpus_used + _ADDED['vcpus'],
            memory_mb_used=_NODES.c.memory_mb_used + _ADDED['memory_mb'],
            local_gb_used=_NODES.c.local_gb_used + _ADDED['disk_gb'],
            generation=_NODES.c.generation + 1))
_ADD_USAGE_IF_IT_FITS = _ADD_USAGE.where(
    _NODES.c.vcpus_used + _ADDED['vcpus']
    <= (_NODES.c.vcpus - _NODES.c.reserved_host_cpus) * _NODES.c.cpu_allocation_ratio,
    _NODES.c.memory_mb_used + _ADDED['memory_mb']
    <= (_NODES.c.memory_mb - _NODES.c.reserved_host_memory_mb) * _NODES.c.ram_allocation_ratio,
    _NODES.c.local_gb_used + _ADDED['disk_gb']
    <= (_NODES.c.local_gb - _NODES.c.reserved_host_disk_mb / 1024.0)
    * _NODES.c.disk_allocation_ratio)
_HELD = sa.select(_ALLOCS.c.id).where(_ALLOCS.c.consumer_id == sa.bindparam('consumer'),
                                      _ALLOCS.c.compute_node_id == sa.bindparam('node'))
_INSERT_ALLOCATION = sa.insert(_ALLOCS)
# Statuses a migration record never leaves (see novalite.db.server_migrations).
FINAL_MOVE_STATUSES = ('confirmed', 'reverted', 'completed', 'cancelled', 'failed', 'error',
                        'done')


def _add_usage(session, node_id, resources, sign, only_if_it_fits=False):
    params = {'node': node_id, 'add_vcpus': sign * resources['vcpus'],
              'add_memory_mb': sign * resources['memory_mb'],
              'add_disk_gb': sign * resources['disk_gb']}
    statement = _ADD_USAGE_IF_IT_FITS if only_if_it_fits else _ADD_USAGE
    return session.execute(statement, params).rowcount == 1


def claim(consumer_id, node_id, resources, group=None):
    """Claim ``resources`` (``vcpus``, ``memory_mb``, ``disk_gb``) on a node.

    Idempotent for a consumer that already holds an allocation on the node.
    ``group``: the server group (``uuid``, ``policy``, ``rules``) the consumer
    is a member of; a claim that would break its hard policy is refused.
    Returns True if the claim holds, False if the node lacks room (or is gone)
    or the group's policy forbids it.
    """
    with engine.writer() as session:
        if session.execute(_HELD, {'consumer': consumer_id, 'node': node_id}).first():
            return True
        if not server_groups.claim_respects_policy(session, group, node_id, consumer_id):
            return False
        if not _add_usage(session, node_id, resources, +1, only_if_it_fits=True):
            return False
        session.execute(_INSERT_ALLOCATION, {
            'consumer_id': consumer_id, 'compute_node_id': node_id,
            'vcpus': resources['vcpus'], 'memory_mb': resources['memory_mb'],
            'disk_gb': resources['disk_gb']})
        return True


@engine.retry_on_deadlock
def release(consumer_id, node_id=None):
    """Drop a consumer's allocations (on one node, or all); returns how many."""
    with engine.writer() as session:
        return _release(session, consumer_id, node_id)


def release_in(session, consumer_id, node_id=None):
    """:func:`release` inside the caller's transaction."""
    return _release(session, consumer_id, node_id)


def consumer_holds_any(session, consumer_id):
    return session.execute(sa.select(_ALLOCS.c.id).where(
        _ALLOCS.c.consumer_id == consumer_id)).first() is not None


def move_consumer(session, from_consumer, to_consumer):
    """Give ``from_consumer``'s allocations to ``to_consumer``; usage is unchanged."""
    session.execute(sa.update(_ALLOCS).where(_ALLOCS.c.consumer_id == from_consumer)
                    .values(consumer_id=to_consumer))


def _release(session, consumer_id, node_id=None):
    query = sa.select(_ALLOCS.c.id, _ALLOCS.c.compute_node_id, _ALLOCS.c.vcpus,
                      _ALLOCS.c.memory_mb, _ALLOCS.c.disk_gb).where(
        _ALLOCS.c.consumer_id == consumer_id)
    if node_id is not None:
        query = query.where(_ALLOCS.c.compute_node_id == node_id)
    allocations = session.execute(query.with_for_update()).all()
    for allocation in allocations:
        _add_usage(session, allocation.compute_node_id, allocation._mapping, -1)
    if allocations:
        session.execute(sa.delete(_ALLOCS).where(
            _ALLOCS.c.id.in_([allocation.id for allocation in allocations])))
    return len(allocations)


def allocations_get_by_consumer(consumer_id):
    with engine.reader() as session:
        rows = session.execute(sa.select(_ALLOC).where(_ALLOC.consumer_id == consumer_id))
        return [row.as_dict() for row in rows.scalars()]


def allocations_get_by_node(node_id):
    with engine.reader() as session:
        rows = session.execute(sa.select(_ALLOC).where(_ALLOC.compute_node_id == node_id))
        return [row.as_dict() for row in rows.scalars()]


def heal_node(node_id):
    """Release allocations on a node that no live instance there explains.

    A crash between a claim and its release (or a delete that never reached
    the conductor) leaves an allocation behind. One is a leak when its
    instance is gone or deleted, has settled on another node, or is on no
    node with no task (a build aborted for good). Returns the consumer ids
    released.
    """
    inst, move = models.Instance, models.Migration
    with engine.writer() as session:
        node = session.get(_NODE, node_id)
        if node is None:
            return []
        rows = session.execute(
            sa.select(_ALLOC.consumer_id, inst.deleted, inst.node, inst.host, inst.task_state,
                      move.status.label('move_status'))
            .outerjoin(inst, inst.uuid == _ALLOC.consumer_id)
            .outerjoin(move, move.uuid == _ALLOC.consumer_id)
            .where(_ALLOC.compute_node_id == node_id)).all()
        leaked = [row.consumer_id for row in rows if _is_leak(row, node)]
        for consumer in leaked:
            _release(session, consumer, node_id)
        return leaked


def _is_leak(row, node):
    if row.move_status is not None:
        # A move's source claim, held by its migration record until it ends.
        return row.move_status in FINAL_MOVE_STATUSES
    if row.deleted is None or row.deleted != 0:
        return True
    if row.node is None and row.task_state is None:
        # On no node and not being scheduled: its build failed for good.
        return True
    settled_elsewhere = row.node is not None and (row.host, row.node) != (
        node.host, node.hypervisor_hostname)
    return settled_elsewhere and row.task_state is None
