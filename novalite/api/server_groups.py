"""Server groups (``os-server-groups``): create, list, show, delete.

Before 2.64 a group shows ``policies`` (a one-item list) and an empty
``metadata``; from 2.64 ``policy`` and ``rules`` (``max_server_per_host``,
anti-affinity only). 2.13 adds ``project_id`` and ``user_id``; 2.15 the
soft policies. Servers join a group at boot with the ``group`` hint.
"""

from novalite import exception, quota
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.schemas import server_groups as schemas
from novalite.db import server_groups as db_groups

RULE = 'os_compute_api:os-server-groups:%s'


def _view(req, group):
    body = {'id': group['uuid'], 'name': group['name']}
    if microversion.is_supported(req, '2.64'):
        body['policy'] = group['policy']
        body['rules'] = {key: int(value) for key, value in group['rules'].items()}
    else:
        body['policies'] = [group['policy']]
        body['metadata'] = {}
    body['members'] = group['members']
    if microversion.is_supported(req, '2.13'):
        body['project_id'] = group['project_id']
        body['user_id'] = group['user_id']
    return body


def _get(req, group_id, rule):
    """The group, if the caller's policy allows ``rule`` on it (404 unknown, 403 other)."""
    group = db_groups.group_get(group_id)
    policy.authorize(wsgi.context(req), RULE % rule, {'project_id': group['project_id'],
                                                     'user_id': group['user_id']})
    return group


def index(req):
    ctx = wsgi.context(req)
    policy.authorize(ctx, RULE % 'index')
    schema = schemas.index_query_v275 if microversion.is_supported(req, '2.75') \
        else schemas.index_query
    params = validation.query(req, schema)
    project = ctx.project_id
    if 'all_projects' in params and wsgi.parse_bool(params['all_projects'], 'all_projects') \
            and policy.check(ctx, RULE % 'index:all_projects'):
        project = None
    limit, _marker = wsgi.limit_and_marker(params)
    groups = db_groups.group_get_all(project, limit=limit,
                                     offset=int(params.get('offset') or 0))
    return wsgi.json_response({'server_groups': [_view(req, group) for group in groups]})


def show(req, group_id):
    return wsgi.json_response({'server_group': _view(req, _get(req, group_id, 'show'))})


@validation.body(schemas.create, '2.0', '2.14')
@validation.body(schemas.create_v215, '2.15', '2.63')
@validation.body(schemas.create_v264, '2.64')
def create(req):
    ctx = wsgi.context(req)
    policy.authorize(ctx, RULE % 'create')
    body = validation.load_body(req)['server_group']
    group_policy = body['policy'] if 'policy' in body else body['policies'][0]
    rules = body.get('rules') or {}
    if rules and group_policy != 'anti-affinity':
        raise exception.Invalid("Only anti-affinity policy supports rules.")
    rules = {key: int(value) for key, value in rules.items()}
    limits = (quota.get_limits(ctx.project_id)['server_groups'],
              quota.get_limits(ctx.project_id, ctx.user_id)['server_groups'])
    group = db_groups.group_create(ctx.project_id, ctx.user_id, body['name'], group_policy,
                                   rules, limits)
    return wsgi.json_response({'server_group': _view(req, group)})


def delete(req, group_id):
    _get(req, group_id, 'delete')
    db_groups.group_delete(group_id)
    return wsgi.empty_response(204)
