"""Move actions: resize, cold and live migration, confirm and revert."""

from novalite import exception
from novalite.api import microversion, servers, wsgi
from novalite.api.actions import Action
from novalite.api.policies import server_moves as move_rules
from novalite.compute import move_actions


def _resize(req, ctx, instance, body):
    move_actions.resize(ctx, servers.COMPUTE.compute_task_api, instance,
                        wsgi.id_from_ref(body['resize']['flavorRef']))
    return wsgi.empty_response(202)


def _migrate(req, ctx, instance, body):
    host = (body['migrate'] or {}).get('host')
    if host is not None and not microversion.is_supported(req, '2.56'):
        raise exception.Invalid("Additional properties are not allowed ('host' was "
                                "unexpected)")
    move_actions.migrate(ctx, servers.COMPUTE.compute_task_api, instance, host)
    return wsgi.empty_response(202)


def _confirm_resize(req, ctx, instance, body):
    move_actions.confirm_resize(ctx, servers.COMPUTE.compute_rpcapi, instance)
    return wsgi.empty_response(204)


def _revert_resize(req, ctx, instance, body):
    move_actions.revert_resize(ctx, servers.COMPUTE.compute_rpcapi, instance)
    return wsgi.empty_response(202)


def _live_options(req, options):
    """``block_migration`` (None for auto) and ``force`` as this microversion takes them."""
    auto = options['block_migration'] == 'auto'
    since_225 = microversion.is_supported(req, '2.25')
    if auto and not since_225 or 'disk_over_commit' in options and since_225:
        raise exception.Invalid("Invalid input for field/attribute block_migration or "
                                "disk_over_commit at this microversion.")
    if 'force' in options and not (microversion.is_supported(req, '2.30')
                                   and not microversion.is_supported(req, '2.68')):
        raise exception.Invalid("Additional properties are not allowed ('force' was "
                                "unexpected)")
    block = None if auto else wsgi.parse_bool(options['block_migration'], 'block_migration')
    return block, wsgi.parse_bool(options.get('force', False), 'force')


def _live_migrate(req, ctx, instance, body):
    options = body['os-migrateLive']
    block_migration, force = _live_options(req, options)
    move_actions.live_migrate(ctx, servers.COMPUTE.compute_task_api, instance,
                              options.get('host'), block_migration, force)
    return wsgi.empty_response(202)


ACTIONS = {
    'resize': Action(move_rules.RESIZE, _resize),
    'migrate': Action(move_rules.MIGRATE, _migrate),
    'confirmResize': Action(move_rules.CONFIRM_RESIZE, _confirm_resize),
    'revertResize': Action(move_rules.REVERT_RESIZE, _revert_resize),
    'os-migrateLive': Action(move_rules.MIGRATE_LIVE, _live_migrate),
}
