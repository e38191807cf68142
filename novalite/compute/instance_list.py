"""The one read path for servers: who may see which, and what a listing's filters mean.

Show and list both scope through :func:`project_scope`; every listing filter
is translated here, following Nova's rules: a non-admin's admin-only filters
are dropped, an unknown status or flavor gives an empty list, ``DELETED``
(admins only) and ``changes-since`` also return deleted servers.
"""

import re

from oslo_utils import timeutils

from novalite import exception
from novalite.compute import vm_states
from novalite.db import flavors, instances

_STATUS_VM_STATES = {
    'ACTIVE': vm_states.ACTIVE, 'BUILD': vm_states.BUILDING, 'SHUTOFF': vm_states.STOPPED,
    'PAUSED': vm_states.PAUSED, 'SUSPENDED': vm_states.SUSPENDED, 'ERROR': vm_states.ERROR,
    'DELETED': vm_states.DELETED, 'REBOOT': vm_states.ACTIVE, 'HARD_REBOOT': vm_states.ACTIVE,
    'VERIFY_RESIZE': vm_states.RESIZED, 'MIGRATING': vm_states.ACTIVE,
    'REVERT_RESIZE': vm_states.RESIZED,
}
_STATUS_TASK_STATES = {'REBOOT': vm_states.REBOOTING, 'HARD_REBOOT': vm_states.REBOOTING_HARD,
                       'MIGRATING': vm_states.MIGRATING,
                       'REVERT_RESIZE': vm_states.RESIZE_REVERTING}
# Every status Nova knows; the ones novalite has no state for match nothing
# (an empty list), any other is refused from 2.38 (see the servers API).
NOVA_STATUSES = frozenset(_STATUS_VM_STATES) | {
    'BUILD', 'REBUILD', 'PASSWORD', 'RESIZE', 'RESCUE', 'SOFT_DELETED', 'SHELVED',
    'SHELVED_OFFLOADED'}
# Query parameter -> column whose value must equal the parameter's.
_EXACT_FILTERS = {'host': 'host', 'user_id': 'user_id', 'project_id': 'project_id',
                  'tenant_id': 'project_id', 'vm_state': 'vm_state',
                  'task_state': 'task_state', 'uuid': 'uuids', 'image': 'image_ref'}
# Query parameter -> column it searches as a regular expression, as Nova does.
_REGEX_FILTERS = {'name': 'display_name', 'display_name': 'display_name',
                  'description': 'display_description',
                  'display_description': 'display_description',
                  'reservation_id': 'reservation_id', 'node': 'node',
                  'availability_zone': 'availability_zone', 'key_name': 'key_name',
                  'hostname': 'hostname', 'kernel_id': 'kernel_id', 'ramdisk_id': 'ramdisk_id',
                  'access_ip_v4': 'access_ip_v4', 'access_ip_v6': 'access_ip_v6',
                  # Not strings: matched on their text, as Nova's regex filter does.
                  'config_drive': 'config_drive', 'power_state': 'power_state',
                  'progress': 'progress', 'created_at': 'created_at',
                  'launched_at': 'launched_at', 'terminated_at': 'terminated_at'}
_TAG_FILTERS = {'tags': 'tags', 'tags-any': 'tags_any', 'not-tags': 'not_tags',
                'not-tags-any': 'not_tags_any'}
# What a non-admin may filter on; Nova drops the rest of their filters.
USER_FILTERS = frozenset({'name', 'reservation_id', 'image', 'flavor', 'status',
                          'changes-since', 'changes-before', 'locked', *_TAG_FILTERS})
# ... and from API 2.83.
USER_FILTERS_V283 = USER_FILTERS | {
    'availability_zone', 'config_drive', 'key_name', 'created_at', 'launched_at',
    'terminated_at', 'power_state', 'task_state', 'vm_state', 'progress', 'user_id'}
_ADMIN_SORT_KEYS = ('host', 'node')


class _NoMatch(Exception):
    """A filter no server can satisfy: the answer is an empty list."""


def project_scope(context, all_projects):
    """The project a caller's reads are confined to; None when they span every project.

    :param all_projects: the caller asked for every project and is allowed to
        (``all_tenants``, checked by the API's policy); an admin's show of one
        server passes its ``is_admin``.
    """
    return None if all_projects else context.project_id


def get(context, instance_uuid, read_deleted=False):
    """A server the caller may see.

    :raises InstanceNotFound: no such server, or another project's (a
        non-admin never learns that it exists).
    """
    instance = instances.instance_get(instance_uuid, read_deleted=read_deleted)
    project = project_scope(context, context.is_admin)
    if project is not None and instance['project_id'] != project:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    return instance


def get_all(context, search_opts, all_projects=False, limit=None, marker=None,
            sort_key='created_at', sort_dir='desc', columns='detail',
            user_filters=USER_FILTERS):
    """The servers a listing shows, a page of them.

    :param search_opts: the listing's query parameters; ``status`` is a list,
        ``image`` an image id.
    :param columns: what to read per row (see ``instance_get_all_for_listing``).
    :param user_filters: the filters a non-admin may use (more from API 2.83).
    :raises Forbidden: a non-admin sorts by an admin-only key.
    :raises MarkerNotFound: the marker is not a server of this listing.
    """
    if sort_key in _ADMIN_SORT_KEYS and not context.is_admin:
        raise exception.Forbidden(f"Only administrators can sort servers by {sort_key}")
    try:
        filters = _filters(context, search_opts, all_projects, user_filters)
        return instances.instance_get_all_for_listing(
            filters, limit=limit, marker=marker, sort_key=sort_key, sort_dir=sort_dir,
            columns=columns)
    except _NoMatch:
        return []
    except exception.InstanceNotFound:
        raise exception.MarkerNotFound(marker=marker) from None


def _filters(context, opts, all_projects, user_filters=USER_FILTERS):
    """DB filters for a listing. :raises _NoMatch: nothing can match."""
    opts = {key: value for key, value in opts.items()
            if value not in (None, '', []) and (context.is_admin or key in user_filters)}
    if not all_projects:
        # Without all_tenants a project filter is ignored, as in Nova.
        opts.pop('project_id', None)
        opts.pop('tenant_id', None)
    filters = {key: [opts[param]] if key == 'uuids' else opts[param]
               for param, key in _EXACT_FILTERS.items() if param in opts}
    filters['regex'] = {column: _regex(param, opts[param])
                        for param, column in _REGEX_FILTERS.items() if param in opts}
    filters['tags'] = {key: opts[param].split(',')
                       for param, key in _TAG_FILTERS.items() if param in opts}
    project = project_scope(context, all_projects)
    if project is not None:
        filters['project_id'] = project
    _status_filter(context, opts.get('status') or [], filters)
    _time_filters(opts, filters)
    if 'flavor' in opts:
        filters['flavor_id'] = _flavor_id(opts['flavor'])
    if 'locked' in opts:
        filters['locked'] = opts['locked']
    if opts.get('deleted') is True:
        filters['deleted'] = True
    return filters


def _regex(param, pattern):
    try:
        re.compile(pattern)
    except re.error as exc:
        raise exception.Invalid(f"Invalid regular expression in {param}: {exc}") from None
    return pattern


def _time_filters(opts, filters):
    for param in ('changes-since', 'changes-before'):
        if param in opts:
            filters[param.replace('-', '_')] = timeutils.normalize_time(
                timeutils.parse_isotime(opts[param]))
            filters['deleted'] = None
    since, before = filters.get('changes_since'), filters.get('changes_before')
    if since and before and before < since:
        raise exception.Invalid(
            "The value of changes-since must be less than or equal to changes-before.")


def _status_filter(context, statuses, filters):
    statuses = [status.upper() for status in statuses]
    if not statuses:
        return
    if any(status not in _STATUS_VM_STATES for status in statuses):
        raise _NoMatch()
    filters['vm_state'] = sorted({_STATUS_VM_STATES[status] for status in statuses})
    if len(statuses) == 1 and statuses[0] in _STATUS_TASK_STATES:
        filters['task_state'] = _STATUS_TASK_STATES[statuses[0]]
    if 'DELETED' in statuses:
        if not context.is_admin:
            raise _NoMatch()
        filters['deleted'] = None


def _flavor_id(flavorid):
    try:
        return flavors.flavor_get_by_flavorid(flavorid, read_deleted=True)['id']
    except exception.FlavorNotFound:
        raise _NoMatch() from None
