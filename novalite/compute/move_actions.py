"""Starting, finishing and steering moves from the API: resize, migrate, live-migrate.

Each checks what a user can get wrong (flavor, state, a move to confirm)
before it writes, persists the server's task and the instance action, then
hands over: new moves to the conductor, which picks the destination; the
steps of one under way straight to the compute host that runs them.
"""

from novalite import exception
from novalite.compute import actions, create, create_checks, vm_states
from novalite.db import server_migrations

COLD = actions.Transition([vm_states.ACTIVE, vm_states.STOPPED], [None],
                           vm_states.RESIZE_PREP, None)
LIVE = actions.Transition([vm_states.ACTIVE, vm_states.PAUSED], [None], vm_states.MIGRATING,
                           None)
_REVERT = actions.Transition([vm_states.RESIZED], [None], vm_states.RESIZE_REVERTING, None)
_CONFIRM = actions.Transition([vm_states.RESIZED], [None], None, None)
_ABORTABLE = ('queued', 'preparing', 'running')


def resize(context, task_api, instance, flavor_id):
    """Resize to another flavor.

    :raises Invalid: an unknown or disabled flavor, the same flavor, or a
        smaller root disk (disks never shrink).
    """
    flavor = create_checks.resolve_flavor(context, flavor_id)
    current = instance['flavor']
    if flavor['flavorid'] == current.get('flavorid'):
        raise exception.Invalid("When resizing, instances must change flavor!")
    if flavor['root_gb'] < current.get('root_gb', 0) or \
            (current.get('root_gb') and not flavor['root_gb']):
        raise exception.Invalid("Resizing to a smaller root disk is not allowed.")
    instance = actions.begin(context, instance, 'resize', COLD)
    task_api.migrate_server(context, instance, create.flavor_snapshot(flavor))


def migrate(context, task_api, instance, host=None):
    """Cold-migrate at the same flavor, to ``host`` if named (it must pass the filters)."""
    create_checks.check_zone(f':{host}' if host else None)
    instance = actions.begin(context, instance, 'migrate', COLD)
    task_api.migrate_server(context, instance, instance['flavor'], host)


def live_migrate(context, task_api, instance, host=None, block_migration=None, force=False):
    """Live-migrate to ``host`` (forced past the filters if ``force``) or a scheduled one."""
    create_checks.check_zone(f':{host}' if host else None)
    instance = actions.begin(context, instance, 'live-migration', LIVE)
    task_api.live_migrate_instance(context, instance, host, block_migration, force)


def confirm_resize(context, compute_rpcapi, instance):
    """Keep the new flavor and host: the source lets go of the server."""
    actions.check_state(instance, 'confirmResize', _CONFIRM)
    actions.check_lock(context, instance)
    migration = _move_to_settle(instance, 'confirming')
    actions.record(context, instance, 'confirmResize')
    compute_rpcapi.confirm_resize(context, migration['source_compute'], instance, migration)


def revert_resize(context, compute_rpcapi, instance):
    """Go back to the old flavor and host."""
    actions.check_state(instance, 'revertResize', _REVERT)
    _finished_migration(instance)
    instance = actions.begin(context, instance, 'revertResize', _REVERT)
    migration = _move_to_settle(instance, 'reverting')
    compute_rpcapi.revert_resize(context, instance, migration)


def _finished_migration(instance):
    """The server's cold move waiting for the user. :raises Invalid: there is none."""
    migration = server_migrations.migration_get_in_progress(instance['uuid'])
    if migration is None or migration['status'] != 'finished':
        raise exception.Invalid("Instance has not been resized.")
    return migration


def _move_to_settle(instance, status):
    migration = _finished_migration(instance)
    return server_migrations.migration_update(migration['uuid'], {'status': status},
                                              expected_status=['finished'])


def live_migration(instance, migration_id):
    """The server's live migration ``migration_id``.

    :raises MigrationNotFound: no such migration of this server (404).
    """
    migration = server_migrations.migration_get(migration_id)
    if migration['instance_uuid'] != instance['uuid'] or \
            migration['migration_type'] != 'live-migration':
        raise exception.MigrationNotFound(migration_id=migration_id)
    return migration


def abort_live_migration(context, compute_rpcapi, instance, migration_id, queued=True):
    """Cancel a live migration under way; the server stays on its source.

    :param queued: one still queued or preparing may be cancelled (API 2.65).
    :raises InstanceMigrationNotInProgress: it is not queued, preparing or
        running, or not running and not ``queued`` (400).
    """
    migration = _live_in(instance, migration_id, _ABORTABLE if queued else ('running',))
    actions.record(context, instance, 'live_migration_abort')
    compute_rpcapi.live_migration_abort(context, instance, migration['id'])


def force_complete(context, compute_rpcapi, instance, migration_id):
    """Make a running live migration converge by pausing the guest."""
    _live_in(instance, migration_id, ('running',))
    actions.record(context, instance, 'live_migration_force_complete')
    compute_rpcapi.live_migration_force_complete(context, instance)


def _live_in(instance, migration_id, statuses):
    migration = live_migration(instance, migration_id)
    if migration['status'] not in statuses or instance['task_state'] != vm_states.MIGRATING:
        raise exception.InstanceMigrationNotInProgress(
            instance_uuid=instance['uuid'], migration_type='live migration',
            migration_id=migration_id)
    return migration
