"""os-quota-sets: a project's (or one of its users') limits, defaults and usage.

Members read their own project's; admins read any and set or reset them.
Versions drop what Nova drops: the nova-network resources at 2.36, the
injected files at 2.57. An update below what is already used is refused
unless ``force`` is set; a user's limit may not exceed what the project has
left for its users.
"""

from novalite import quota
from novalite.api import microversion, policy, quota_view, validation, wsgi
from novalite.api.policies import quotas as rules
from novalite.api.schemas import quota_sets as schemas
from novalite.db import quotas as db_quotas


def _query(req):
    schema = schemas.query_v275 if microversion.is_supported(req, '2.75') else schemas.query
    return validation.query(req, schema)


def _authorize(req, action, project_id):
    policy.authorize(wsgi.context(req), rules.SETS % action,
                     {'project_id': project_id})


def show(req, tenant_id):
    _authorize(req, 'show', tenant_id)
    user_id = _query(req).get('user_id')
    limits = quota.get_limits(tenant_id, user_id)
    return quota_view.quota_set(req, limits, tenant_id)


def detail(req, tenant_id):
    _authorize(req, 'detail', tenant_id)
    user_id = _query(req).get('user_id')
    limits = quota.get_limits(tenant_id, user_id)
    usages = quota.get_usages(tenant_id, user_id)
    values = {resource: {'limit': limits[resource], 'in_use': usages[resource],
                         'reserved': 0} for resource in limits}
    return quota_view.quota_set(req, values, tenant_id)


def defaults(req, tenant_id):
    _authorize(req, 'defaults', tenant_id)
    return quota_view.quota_set(req, quota.defaults(), tenant_id)


@validation.body(schemas.update, '2.0', '2.35')
@validation.body(schemas.update_v236, '2.36', '2.56')
@validation.body(schemas.update_v257, '2.57')
def update(req, tenant_id):
    _authorize(req, 'update', tenant_id)
    user_id = _query(req).get('user_id')
    body = dict(validation.load_body(req)['quota_set'])
    force = wsgi.parse_bool(body.pop('force', False), 'force')
    values = {resource: int(value) for resource, value in body.items()}
    if not force:
        quota_view.check_settable(tenant_id, user_id, values)
    db_quotas.set_limits(values, project_id=tenant_id, user_id=user_id)
    return quota_view.quota_set(req, quota.get_limits(tenant_id, user_id))


def delete(req, tenant_id):
    _authorize(req, 'delete', tenant_id)
    db_quotas.destroy_limits(tenant_id, _query(req).get('user_id'))
    return wsgi.empty_response(202)
