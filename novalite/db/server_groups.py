"""Server groups and their members, and the placement rule claims enforce for them.

A group has one policy: ``affinity`` and ``anti-affinity`` are hard (the
scheduler's filters and the claim enforce them), ``soft-affinity`` and
``soft-anti-affinity`` are preferences (weighers). ``rules`` may hold
``max_server_per_host`` for ``anti-affinity`` (2.64).
"""

import json
import uuid as uuid_lib

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models, quotas

HARD_POLICIES = ('affinity', 'anti-affinity')

_GROUPS = models.InstanceGroup.__table__
_MEMBERS = models.InstanceGroupMember.__table__
_ALLOCS = models.Allocation.__table__
_NODES = models.ComputeNode.__table__
_INSTANCES = models.Instance.__table__


def _as_group(row, members):
    group = models.json_ready(dict(row))
    group['rules'] = json.loads(group['rules'] or '{}')
    group['members'] = members
    return group


def _members(session, group_ids):
    found = {group_id: [] for group_id in group_ids}
    if group_ids:
        rows = session.execute(sa.select(_MEMBERS.c.group_id, _MEMBERS.c.instance_uuid)
                               .where(_MEMBERS.c.group_id.in_(group_ids))
                               .order_by(_MEMBERS.c.id))
        for group_id, instance_uuid in rows:
            found[group_id].append(instance_uuid)
    return found


def group_create(project_id, user_id, name, policy, rules=None, limits=(-1, -1)):
    """Create a group; returns it (no members).

    The count and the insert run under the project's quota lock, so
    concurrent creates never exceed a limit.

    :param limits: ``(project's, user's)`` ``server_groups`` limits; -1: none.
    :raises ServerGroupsOverQuota: the project or the user has its limit already.
    """
    values = {'uuid': str(uuid_lib.uuid4()), 'project_id': project_id, 'user_id': user_id,
              'name': name, 'policy': policy, 'rules': json.dumps(rules or {}),
              'generation': 0, 'created_at': models.utcnow()}
    with quotas.locked(quotas.PROJECT, project_id) as session:
        owned = sa.select(sa.func.count()).select_from(_GROUPS).where(
            _GROUPS.c.project_id == project_id)
        counts = (session.execute(owned).scalar(),
                  session.execute(owned.where(_GROUPS.c.user_id == user_id)).scalar())
        if any(0 <= limit <= count for limit, count in zip(limits, counts, strict=True)):
            raise exception.ServerGroupsOverQuota()
        session.execute(sa.insert(_GROUPS).values(**values))
        return group_get(values['uuid'], session=session)


def group_get(group_uuid, session=None):
    """:raises InstanceGroupNotFound:"""
    if session is None:
        with engine.reader() as session:
            return group_get(group_uuid, session)
    row = session.execute(sa.select(_GROUPS).where(_GROUPS.c.uuid == group_uuid)).mappings() \
        .first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    return _as_group(row, _members(session, [row['id']])[row['id']])


def group_get_all(project_id=None, limit=None, offset=None):
    """Groups (of ``project_id`` if given), oldest first, paged by ``limit``/``offset``."""
    statement = sa.select(_GROUPS).order_by(_GROUPS.c.id)
    if project_id is not None:
        statement = statement.where(_GROUPS.c.project_id == project_id)
    if offset:
        statement = statement.offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    with engine.reader() as session:
        rows = session.execute(statement).mappings().all()
        members = _members(session, [row['id'] for row in rows])
        return [_as_group(row, members[row['id']]) for row in rows]


def group_delete(group_uuid):
    """Delete a group and its member list. :raises InstanceGroupNotFound:"""
    with engine.writer() as session:
        group_id = session.execute(sa.select(_GROUPS.c.id).where(
            _GROUPS.c.uuid == group_uuid)).scalar()
        if group_id is None:
            raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
        session.execute(sa.delete(_MEMBERS).where(_MEMBERS.c.group_id == group_id))
        session.execute(sa.delete(_GROUPS).where(_GROUPS.c.id == group_id))


def add_members(session, group_uuid, instance_uuids):
    """Add servers to a group in the caller's transaction (the one creating them).

    :raises InstanceGroupNotFound:
    """
    group_id = session.execute(sa.select(_GROUPS.c.id).where(
        _GROUPS.c.uuid == group_uuid)).scalar()
    if group_id is None:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    now = models.utcnow()
    session.execute(sa.insert(_MEMBERS), [
        {'group_id': group_id, 'instance_uuid': uuid, 'created_at': now}
        for uuid in instance_uuids])


def add_members_counted(session, group_uuid, instance_uuids, project_id, user_id, limit):
    """Add servers to a group unless the user would have more than ``limit`` there.

    Nova's ``server_group_members`` quota counts, per user, the group's
    servers that are not deleted or soft-deleted. The count and the insert
    run in the caller's transaction (the one creating the servers) under
    the project's quota lock, taken here first, so racing boots never
    overshoot.

    :param limit: the user's ``server_group_members`` limit; -1: none.
    :raises ServerGroupMembersOverQuota: nothing was added.
    :raises InstanceGroupNotFound:
    """
    quotas.hold_lock(session, quotas.PROJECT, project_id)
    if limit >= 0:
        members = (sa.select(sa.func.count()).select_from(_MEMBERS)
                   .join(_GROUPS, _GROUPS.c.id == _MEMBERS.c.group_id)
                   .join(_INSTANCES, _INSTANCES.c.uuid == _MEMBERS.c.instance_uuid)
                   .where(_GROUPS.c.uuid == group_uuid, _INSTANCES.c.user_id == user_id,
                          _INSTANCES.c.deleted == 0,
                          _INSTANCES.c.vm_state != quotas.SOFT_DELETED,
                          _INSTANCES.c.uuid.not_in(list(instance_uuids))))
        if session.execute(members).scalar() + len(instance_uuids) > limit:
            raise exception.ServerGroupMembersOverQuota()
    add_members(session, group_uuid, instance_uuids)


def remove_member(session, instance_uuid):
    """Drop a server from its groups, in the caller's transaction (the one deleting it)."""
    session.execute(sa.delete(_MEMBERS).where(_MEMBERS.c.instance_uuid == instance_uuid))


def groups_of_instances(instance_uuids):
    """``{instance uuid: [group uuid, ...]}`` (2.71's ``server_groups``); one query."""
    found = {}
    if not instance_uuids:
        return found
    statement = (sa.select(_MEMBERS.c.instance_uuid, _GROUPS.c.uuid)
                 .join(_GROUPS, _GROUPS.c.id == _MEMBERS.c.group_id)
                 .where(_MEMBERS.c.instance_uuid.in_(sorted(set(instance_uuids)))))
    with engine.reader() as session:
        for instance_uuid, group_uuid in session.execute(statement):
            found.setdefault(instance_uuid, []).append(group_uuid)
    return found


def member_hosts(group_uuid, exclude=()):
    """``{host: number of members there}`` of the group's live, placed servers.

    ``exclude``: servers not to count (those of the request being placed).
    """
    statement = (sa.select(_INSTANCES.c.host, sa.func.count())
                 .join(_MEMBERS, _MEMBERS.c.instance_uuid == _INSTANCES.c.uuid)
                 .join(_GROUPS, _GROUPS.c.id == _MEMBERS.c.group_id)
                 .where(_GROUPS.c.uuid == group_uuid, _INSTANCES.c.deleted == 0,
                        _INSTANCES.c.host.is_not(None))
                 .group_by(_INSTANCES.c.host))
    if exclude:
        statement = statement.where(_INSTANCES.c.uuid.not_in(list(exclude)))
    with engine.reader() as session:
        return dict(session.execute(statement).all())


def claim_respects_policy(session, group, node_id, consumer_id):
    """Whether placing ``consumer_id`` on ``node_id`` keeps the group's hard policy.

    Runs in the claim's transaction and first updates the group's row: that
    serialises every claim for members of the group (a row lock on MariaDB
    and PostgreSQL, the write lock on SQLite), so two racing boots cannot
    both see a host free of members. The members counted are those holding
    allocations, i.e. claimed, whether or not their build has finished.
    ``group``: ``{'uuid', 'policy', 'rules'}``.
    """
    if not group or group.get('policy') not in HARD_POLICIES:
        return True
    session.execute(sa.update(_GROUPS).where(_GROUPS.c.uuid == group['uuid'])
                    .values(generation=_GROUPS.c.generation + 1))
    host = session.execute(sa.select(_NODES.c.host).where(_NODES.c.id == node_id)).scalar()
    # A locking read: on MariaDB a plain SELECT would read the snapshot the
    # transaction took before it waited for the group's row, and miss the
    # claims committed meanwhile.
    hosts = session.execute(
        sa.select(_NODES.c.host)
        .select_from(_ALLOCS)
        .join(_NODES, _NODES.c.id == _ALLOCS.c.compute_node_id)
        .join(_MEMBERS, _MEMBERS.c.instance_uuid == _ALLOCS.c.consumer_id)
        .join(_GROUPS, _GROUPS.c.id == _MEMBERS.c.group_id)
        .where(_GROUPS.c.uuid == group['uuid'], _ALLOCS.c.consumer_id != consumer_id)
        .with_for_update(read=True)
    ).scalars().all()
    if group['policy'] == 'affinity':
        return all(other == host for other in hosts)
    limit = int((group.get('rules') or {}).get('max_server_per_host', 1))
    return sum(1 for other in hosts if other == host) < limit
