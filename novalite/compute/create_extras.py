"""What a create adds around the instance rows: mappings, group membership and tags.

:func:`check_group` runs with the other create checks, before anything is
written; :func:`rows_writer` writes them in the transaction that writes the
rows, before the build is handed on, so the scheduler sees a server's group
membership and the server's tags show from its first read.
"""

from novalite import exception, quota
from novalite.compute import vm_states
from novalite.db import block_device_mappings, instances, server_groups, tags


def check_group(context, group_uuid, count=1):
    """The group the ``group`` hint names, as the request spec carries it; None without one.

    :param count: servers the request would add to it.
    :raises Invalid: no such group, or another project's (a non-admin's request).
    :raises ServerGroupMembersOverQuota: the caller would have more servers
        in the group than its ``server_group_members`` quota (403; racing
        boots are refused again when the members are added).
    """
    if not group_uuid:
        return None
    try:
        group = server_groups.group_get(group_uuid)
    except exception.InstanceGroupNotFound as exc:
        raise exception.Invalid(exc.format_message()) from None
    if not context.is_admin and group['project_id'] != context.project_id:
        raise exception.Invalid(
            exception.InstanceGroupNotFound(group_uuid=group_uuid).format_message())
    limit = _members_limit(context)
    if limit >= 0 and len(_own_members(context, group)) + count > limit:
        raise exception.ServerGroupMembersOverQuota()
    return {'uuid': group['uuid'], 'policy': group['policy'], 'rules': group['rules']}


def _members_limit(context):
    return quota.get_limits(context.project_id, context.user_id)['server_group_members']


def _own_members(context, group):
    """The group's servers of the caller, as the quota counts them."""
    found = instances.instance_get_all({'uuids': group['members'], 'user_id': context.user_id}) \
        if group['members'] else []
    return [server for server in found if server['vm_state'] != vm_states.SOFT_DELETED]


def check_tags(server_tags):
    """:raises Invalid: more tags than a server may have (2.52)."""
    if len(set(server_tags or ())) > tags.MAX_TAGS:
        raise exception.TooManyTags(limit=tags.MAX_TAGS)


def rows_writer(context, group, server_tags, mappings):
    """What each new server comes with, written in the transaction that creates it.

    For :func:`~novalite.db.instances.instances_create`'s ``with_rows``: the
    servers' block device ``mappings``, their ``server_tags`` and their
    membership of ``group`` exist exactly when the servers do, so a
    connection dropped at any of them fails the create whole or not at all.

    The returned writer raises ServerGroupMembersOverQuota when a racing
    boot took the group's last places: nothing is created.
    """
    limit = _members_limit(context) if group else None

    def write(session, uuids):
        if group:
            server_groups.add_members_counted(session, group['uuid'], uuids,
                                              context.project_id, context.user_id, limit)
        for uuid in uuids:
            for mapping in mappings:
                block_device_mappings.add(session, uuid, mapping)
            tags.add_all(session, uuid, server_tags or ())
    return write
