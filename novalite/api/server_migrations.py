"""A server's live migrations under way: list and show (2.23), abort (2.24), force (2.22).

Progress bytes are what the source host last reported into the migration
record. User and project ids appear from 2.80, the record's uuid from 2.59.
"""

from novalite import exception
from novalite.api import microversion, servers, validation, wsgi
from novalite.api.policies import server_moves as rules
from novalite.compute import move_actions
from novalite.db import server_migrations

_BYTES = ('memory_total', 'memory_processed', 'memory_remaining', 'disk_total',
          'disk_processed', 'disk_remaining')
_FIELDS = ('id', 'dest_compute', 'dest_host', 'dest_node', 'source_compute', 'source_node',
           'status')
_FORCE_COMPLETE = {'type': 'object', 'properties': {'force_complete': {'type': 'null'}},
                   'required': ['force_complete'], 'additionalProperties': False}


def view(req, migration):
    """A migration as the servers' migrations API shows it."""
    shown = {key: migration[key] for key in _FIELDS}
    shown.update({f'{key}_bytes': migration[key] for key in _BYTES})
    shown.update(server_uuid=migration['instance_uuid'],
                 created_at=wsgi.precise_time(migration['created_at']),
                 updated_at=wsgi.precise_time(migration['updated_at']))
    if microversion.is_supported(req, '2.59'):
        shown['uuid'] = migration['uuid']
    if microversion.is_supported(req, '2.80'):
        shown.update(user_id=migration['user_id'], project_id=migration['project_id'])
    return shown


@microversion.supported('2.23')
def index(req, server_id):
    instance = servers.get_instance(req, server_id, rules.MIGRATIONS_INDEX)
    running = server_migrations.migration_get_in_progress(instance['uuid'],
                                                          'live-migration')
    return wsgi.json_response({'migrations': [view(req, running)] if running else []})


@microversion.supported('2.23')
def show(req, server_id, migration_id):
    instance = servers.get_instance(req, server_id, rules.MIGRATIONS_SHOW)
    migration = move_actions.live_migration(instance, migration_id)
    if migration['status'] in server_migrations.FINAL_STATUSES:
        raise exception.NotFound(f"In-progress live migration {migration_id} is not found "
                                 f"for server {server_id}.")
    return wsgi.json_response({'migration': view(req, migration)})


@microversion.supported('2.24')
def delete(req, server_id, migration_id):
    instance = servers.get_instance(req, server_id, rules.MIGRATIONS_DELETE)
    # 2.65: a migration still queued or preparing may be cancelled too.
    move_actions.abort_live_migration(wsgi.context(req), servers.COMPUTE.compute_rpcapi,
                                      instance, migration_id,
                                      queued=microversion.is_supported(req, '2.65'))
    return wsgi.empty_response(202)


@microversion.supported('2.22')
def action(req, server_id, migration_id):
    validation.validate(_FORCE_COMPLETE, validation.load_body(req))
    instance = servers.get_instance(req, server_id, rules.MIGRATIONS_FORCE_COMPLETE)
    move_actions.force_complete(wsgi.context(req), servers.COMPUTE.compute_rpcapi, instance,
                                migration_id)
    return wsgi.empty_response(202)
