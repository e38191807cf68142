"""``GET /os-migrations``: every move's record, for administrators.

Nova's steps: 2.23 adds ``migration_type`` and ``links`` (on a live
migration under way, to its ``/servers/{id}/migrations/{id}``); 2.59 the
``uuid``, ``limit``/``marker`` paging newest first with a ``next`` link,
``changes-since``, and refuses unknown query keys; 2.66 ``changes-before``;
2.80 ``user_id``/``project_id`` as fields and filters. Hidden records are
never shown. Without ``os-migrations:index:host`` the host fields are
hidden, as in Nova.
"""

from oslo_utils import timeutils

from novalite import exception
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.policies import admin as rules
from novalite.api.schemas import migrations as schemas
from novalite.db import server_migrations as db_migrations

_FIELDS = ('id', 'instance_uuid', 'status', 'source_compute', 'source_node', 'dest_compute',
           'dest_node', 'dest_host', 'old_instance_type_id', 'new_instance_type_id')
_HOST_FIELDS = ('source_compute', 'source_node', 'dest_compute', 'dest_node', 'dest_host')
# Nova links only these: the statuses in which abort and force-complete apply.
_LIVE_IN_PROGRESS = ('queued', 'preparing', 'running', 'post-migrating')
_FILTERS = ('status', 'host', 'source_compute', 'instance_uuid', 'migration_type')


def _view(req, links, migration, show_hosts):
    shown = {key: migration[key] for key in _FIELDS}
    shown.update(created_at=wsgi.precise_time(migration['created_at']),
                 updated_at=wsgi.precise_time(migration['updated_at']))
    if microversion.is_supported(req, '2.23'):
        shown['migration_type'] = migration['migration_type']
        if migration['migration_type'] == 'live-migration' and \
                migration['status'] in _LIVE_IN_PROGRESS:
            shown['links'] = links.resource(f"servers/{migration['instance_uuid']}/migrations",
                                            migration['id'])
    if microversion.is_supported(req, '2.59'):
        shown['uuid'] = migration['uuid']
    if microversion.is_supported(req, '2.80'):
        shown.update(user_id=migration['user_id'], project_id=migration['project_id'])
    if not show_hosts:
        for key in _HOST_FIELDS:
            shown[key] = None
    return shown


def _filters(req, params):
    filters = {key: params[key] for key in _FILTERS if key in params}
    # Hidden records are never shown (hidden=1 lists nothing, as in Nova), so
    # they are left out in the query, where they would otherwise shorten pages.
    filters['hidden'] = wsgi.parse_bool(params.get('hidden', False), 'hidden')
    if microversion.is_supported(req, '2.80'):
        filters.update({key: params[key] for key in ('user_id', 'project_id') if key in params})
    # Before 2.59 (2.66) these keys passed the schema and were ignored, as in Nova.
    for param, since in (('changes-since', '2.59'), ('changes-before', '2.66')):
        if param in params and microversion.is_supported(req, since):
            filters[param.replace('-', '_')] = timeutils.normalize_time(
                timeutils.parse_isotime(params[param]))
    since, before = filters.get('changes_since'), filters.get('changes_before')
    if since and before and before < since:
        raise exception.Invalid(
            "The value of changes-since must be less than or equal to changes-before.")
    return filters


@validation.query_schemas(('2.80', schemas.index_query_v280), ('2.66', schemas.index_query_v266),
                          ('2.59', schemas.index_query_v259), ('2.0', schemas.index_query))
def index(req):
    ctx = wsgi.context(req)
    policy.authorize(ctx, rules.MIGRATIONS, {})
    params = validation.query(req, validation.query_schema_for(
        index, microversion.request_version(req)))
    filters = _filters(req, params)
    paged = microversion.is_supported(req, '2.59')
    limit, marker = wsgi.limit_and_marker(params) if paged else (None, None)
    records = [record for record in db_migrations.migration_get_all(filters, limit, marker,
                                                                      paged=paged)
               if not record['hidden']]
    links = wsgi.Links(req)
    show_hosts = policy.check(ctx, rules.MIGRATIONS_HOST, {})
    body = {'migrations': [_view(req, links, record, show_hosts) for record in records]}
    if paged:
        next_link = wsgi.collection_links(req, links, 'os-migrations', body['migrations'],
                                          limit, id_key='uuid')
        if next_link:
            body['migrations_links'] = next_link
    return wsgi.json_response(body)
