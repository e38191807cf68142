"""What os-quota-sets, os-quota-class-sets and /limits show of quotas at each version,
and the bounds an update must respect."""

from novalite import exception, quota
from novalite.api import microversion, wsgi

# Quota classes hid the server group resources until 2.50 (Nova bug 1693168).
_SERVER_GROUPS = ('server_groups', 'server_group_members')


def hidden_quotas(req):
    """Resources os-quota-sets does not show at the request's version."""
    if microversion.is_supported(req, '2.57'):
        return quota.LEGACY_NETWORK + quota.INJECTED_FILES
    if microversion.is_supported(req, '2.36'):
        return quota.LEGACY_NETWORK
    return ()


def hidden_class_quotas(req):
    """Resources os-quota-class-sets does not show at the request's version."""
    if microversion.is_supported(req, '2.57'):
        return quota.LEGACY_NETWORK + quota.INJECTED_FILES
    if microversion.is_supported(req, '2.50'):
        return quota.LEGACY_NETWORK
    return _SERVER_GROUPS


def quota_set(req, values, ident=None, key='quota_set', hidden=None):
    """``{key: {...}}`` of ``values`` minus the hidden resources, with ``id`` if given."""
    hidden = hidden_quotas(req) if hidden is None else hidden
    body = {} if ident is None else {'id': ident}
    body.update({resource: values[resource] for resource in quota.ALL_RESOURCES
                 if resource in values and resource not in hidden})
    return wsgi.json_response({key: body})


def _unlimited(value):
    return float('inf') if value == -1 else value


def _check_bounds(resource, limit, minimum, maximum):
    if _unlimited(limit) < _unlimited(minimum):
        raise exception.Invalid(
            f"Quota limit {limit} for {resource} must be greater than or equal to "
            f"already used and reserved {minimum}.")
    if _unlimited(limit) > _unlimited(maximum):
        raise exception.Invalid(
            f"Quota limit {limit} for {resource} must be less than or equal to {maximum}.")


def check_settable(project_id, user_id, values):
    """Refuse limits below what is used, or a user's above what the project leaves.

    :raises Invalid: with Nova's message (400).
    """
    if user_id is None:
        usages = quota.get_usages(project_id)
        granted = quota.user_limit_sums(project_id)
        for resource, limit in values.items():
            minimum = max(usages[resource], granted.get(resource, 0))
            _check_bounds(resource, limit, minimum, -1)
        return
    usages = quota.get_usages(project_id, user_id)
    project_limits = quota.get_limits(project_id)
    others = quota.user_limit_sums(project_id, exclude_user=user_id)
    for resource, limit in values.items():
        maximum = project_limits[resource]
        if maximum != -1:
            maximum -= others.get(resource, 0)
        _check_bounds(resource, limit, usages[resource], maximum)
