"""What a create adds around the instance rows: server group membership and tags.

:func:`check_group` runs with the other create checks, before anything is
written; :func:`record` runs right after the rows are written, before the
build is handed on, so the scheduler sees a server's group membership and
the server's tags show from its first read.
"""

from novalite import exception
from novalite.db import engine, server_groups, tags


def check_group(context, group_uuid):
    """The group the ``group`` hint names, as the request spec carries it; None without one.

    :raises Invalid: no such group, or another project's (a non-admin's request).
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
    return {'uuid': group['uuid'], 'policy': group['policy'], 'rules': group['rules']}


def check_tags(server_tags):
    """:raises Invalid: more tags than a server may have (2.52)."""
    if len(set(server_tags or ())) > tags.MAX_TAGS:
        raise exception.TooManyTags(limit=tags.MAX_TAGS)


def record(created, group, server_tags):
    """Make the new servers members of ``group`` and give each ``server_tags``."""
    uuids = [instance['uuid'] for instance in created]
    if group:
        with engine.writer() as session:
            server_groups.add_members(session, group['uuid'], uuids)
    for uuid in uuids if server_tags else ():
        tags.tags_set(uuid, server_tags)
