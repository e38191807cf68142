"""Quotas: the limits that apply to a project or user, what they use, and the checks.

Resources are Nova's. Counted ones (``instances``, ``cores``, ``ram``,
``key_pairs``, ``server_groups``, ``server_group_members``) are measured
from the resources themselves when asked; the others limit one request
(``metadata_items``, the injected files). The nova-network resources
(``fixed_ips``, ``floating_ips``, ``security_groups``,
``security_group_rules``) are kept at -1 for the API versions that still
show them, as Nova keeps them.

A limit comes from, in increasing precedence: ``[quota]`` options, the
``default`` quota class, the project, the user in the project.

Server creates call :func:`check_and_reserve`; it counts under the project's
lock and holds what it grants until the rows exist, so concurrent creates in
any number of API workers never exceed a limit. Other counted creates
(server groups, their members) count and insert inside
:func:`novalite.db.quotas.locked` and refuse with :func:`check_deltas`.
"""

from oslo_db import exception as db_exc
from oslo_log import log as logging

from novalite import exception
from novalite.conf import CONF
from novalite.db import quotas as db_quotas

LOG = logging.getLogger(__name__)

RESOURCES = ('instances', 'cores', 'ram', 'metadata_items', 'injected_files',
             'injected_file_content_bytes', 'injected_file_path_bytes', 'key_pairs',
             'server_groups', 'server_group_members')
LEGACY_NETWORK = ('fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules')
ALL_RESOURCES = RESOURCES + LEGACY_NETWORK
INJECTED_FILES = ('injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes')
_OPTION = {'injected_file_path_bytes': 'injected_file_path_length'}
DEFAULT_CLASS = 'default'


def _known(values):
    return {key: value for key, value in values.items() if key in RESOURCES}


def defaults():
    """``{resource: limit}`` every project starts with."""
    values = {resource: getattr(CONF.quota, _OPTION.get(resource, resource))
              for resource in RESOURCES}
    values.update(_known(db_quotas.class_limits(DEFAULT_CLASS)))
    values.update(dict.fromkeys(LEGACY_NETWORK, -1))
    return values


def class_limits(class_name):
    """A quota class's limits: Nova reads only ``default``; others show the defaults."""
    values = defaults()
    if class_name != DEFAULT_CLASS:
        values.update(_known(db_quotas.class_limits(class_name)))
    return values


def get_limits(project_id, user_id=None):
    """``{resource: limit}`` for a project, or for one user in it."""
    values = defaults()
    values.update(_known(db_quotas.project_limits(project_id)))
    if user_id is not None:
        values.update(_known(db_quotas.user_limits(project_id, user_id)))
    return values


def get_usages(project_id, user_id=None):
    """``{resource: in use}`` of a project (or one user in it), creates in flight included.

    ``key_pairs`` and ``server_group_members`` are per user and per group:
    Nova shows 0 for them, and so does this.
    """
    counted = db_quotas.instance_usage(project_id, user_id)
    values = dict.fromkeys(ALL_RESOURCES, 0)
    values.update(counted['user' if user_id is not None else 'project'])
    values['server_groups'] = db_quotas.server_group_count(project_id, user_id)
    return values


def user_limit_sums(project_id, exclude_user=None):
    """``{resource: sum of the limits set for the project's users}``."""
    return db_quotas.user_limit_sums(project_id, exclude_user)


def _room(limit, used):
    return None if limit < 0 else limit - used


def check_deltas(context, deltas, used, user_used=None):
    """Refuse a create of ``deltas`` (``{resource: n}``) given what is ``used``.

    :param used: the project's usage; ``user_used`` the caller's, when the
        resource has per-user limits.
    :raises OverQuota: a limit would be exceeded.
    """
    project_limits = get_limits(context.project_id)
    user_limits = get_limits(context.project_id, context.user_id)
    overs = []
    for resource, delta in deltas.items():
        rooms = [_room(project_limits[resource], used[resource])]
        if user_used is not None:
            rooms.append(_room(user_limits[resource], user_used[resource]))
        if any(room is not None and delta > room for room in rooms):
            overs.append(resource)
    if overs:
        raise exception.OverQuota(overs=', '.join(sorted(overs)))


def check_metadata(context, metadata):
    """:raises MetadataLimitExceeded: more metadata items than the quota allows."""
    allowed = get_limits(context.project_id, context.user_id)['metadata_items']
    if allowed >= 0 and len(metadata or {}) > allowed:
        raise exception.MetadataLimitExceeded(allowed=allowed)


def check_injected_files(context, files):
    """``files`` is ``[(path, contents), ...]`` (personality, below 2.57).

    :raises OnsetFileLimitExceeded: too many files.
    :raises OnsetFilePathLimitExceeded: a path is too long.
    :raises OnsetFileContentLimitExceeded: a file is too big.
    """
    if files is None:
        return
    limits = get_limits(context.project_id, context.user_id)
    if 0 <= limits['injected_files'] < len(files):
        raise exception.OnsetFileLimitExceeded()
    longest_path = max((len(path) for path, _contents in files), default=0)
    largest = max((len(contents) for _path, contents in files), default=0)
    if 0 <= limits['injected_file_path_bytes'] < longest_path:
        raise exception.OnsetFilePathLimitExceeded(allowed=limits['injected_file_path_bytes'])
    if 0 <= limits['injected_file_content_bytes'] < largest:
        raise exception.OnsetFileContentLimitExceeded(
            allowed=limits['injected_file_content_bytes'])


class Reservation:
    """Quota held for servers being created; ``with`` it around writing their rows.

    ``count`` is how many servers the quota let the request create (between
    its ``min_count`` and ``max_count``). Leaving the block drops the hold:
    on success the rows now count themselves, on failure nothing was made.
    """

    def __init__(self, reservation_id, count):
        self.id, self.count = reservation_id, count

    def __enter__(self):
        return self.count

    def __exit__(self, *exc_info):
        # Past its retries, a release that fails must not turn the block's
        # outcome into another: the rows are written (or not) either way,
        # and the hold ends by itself when it expires.
        try:
            db_quotas.release(self.id)
        except db_exc.DBError:
            LOG.warning('Could not release quota reservation %s; it ends when it expires',
                        self.id, exc_info=True)
        return False


def check_and_reserve(context, flavor, min_count, max_count, metadata=None,
                      injected_files=None):
    """Check a server create against the quotas and hold what it may create.

    As Nova does, a request that does not fit with ``max_count`` servers
    creates as many as fit if that is at least ``min_count``.

    :param flavor: the flavor dict (``vcpus``, ``memory_mb``).
    :returns: a :class:`Reservation`.
    :raises TooManyInstances: not even ``min_count`` fit (403).
    :raises MetadataLimitExceeded: too many metadata items (403).
    """
    check_metadata(context, metadata)
    check_injected_files(context, injected_files)
    limits = {'project': get_limits(context.project_id),
              'user': get_limits(context.project_id, context.user_id)}

    def decide(usage):
        count = _fitting(flavor, min_count, max_count, limits, usage)
        return {'instances': count, 'cores': count * flavor['vcpus'],
                'ram': count * flavor['memory_mb']}

    reservation_id, held = db_quotas.reserve_instances(
        context.project_id, context.user_id, decide, CONF.quota.reservation_expire)
    return Reservation(reservation_id, held['instances'])


def _per_server(flavor):
    return {'instances': 1, 'cores': flavor['vcpus'], 'ram': flavor['memory_mb']}


def _headroom(limits, usage):
    """``{resource: room left}`` over project and user, None where unlimited."""
    headroom = {}
    for resource in ('instances', 'cores', 'ram'):
        rooms = [_room(limits[scope][resource], usage[scope][resource])
                 for scope in ('project', 'user')]
        rooms = [room for room in rooms if room is not None]
        headroom[resource] = min(rooms) if rooms else None
    return headroom


def _fitting(flavor, min_count, max_count, limits, usage):
    """How many servers fit, between ``min_count`` and ``max_count``; Nova's message if none."""
    headroom = _headroom(limits, usage)
    per = _per_server(flavor)
    allowed = max_count
    for resource, room in headroom.items():
        if room is not None and per[resource]:
            allowed = min(allowed, max(room, 0) // per[resource])
    if allowed >= min_count:
        return allowed
    overs = sorted(resource for resource, room in headroom.items()
                   if room is not None and max_count * per[resource] > room)
    requested = {'instances': str(min_count) if min_count == max_count
                 else f'{min_count}-{max_count}',
                 'cores': max_count * flavor['vcpus'], 'ram': max_count * flavor['memory_mb']}
    effective = {resource: _effective_limit(limits, usage, resource) for resource in overs}
    raise exception.TooManyInstances(
        overs=', '.join(overs),
        req=', '.join(str(requested[resource]) for resource in overs),
        used=', '.join(str(effective[resource] - headroom[resource]) for resource in overs),
        allowed=', '.join(str(effective[resource]) for resource in overs))


def _effective_limit(limits, usage, resource):
    """The limit of the scope (project or user) with the least room left."""
    scopes = [scope for scope in ('project', 'user') if limits[scope][resource] >= 0]
    scope = min(scopes, key=lambda s: limits[s][resource] - usage[s][resource])
    return limits[scope][resource]
