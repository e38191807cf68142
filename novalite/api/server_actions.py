"""Server actions: ``POST /servers/{id}/action`` with a one-key body naming the action.

``{"os-stop": null}``, ``{"reboot": {"type": "HARD"}}``,
``{"os-getConsoleOutput": {"length": 50}}``... Each action validates its
body, checks its policy on the server, then calls the compute API, which
checks the server's state (409 when the action cannot start from it).
"""

from novalite import exception
from novalite.api import microversion, remote_consoles, servers, validation, wsgi
from novalite.api.policies import remote_consoles as console_rules
from novalite.api.policies import server_actions as action_rules
from novalite.api.policies import server_moves as move_rules
from novalite.api.policies import servers as server_rules
from novalite.api.schemas import remote_consoles as console_schemas
from novalite.api.schemas import servers as schemas
from novalite.compute import move_actions


def _transition(name):
    def run(ctx, instance, body):
        servers.COMPUTE.act(ctx, instance, name)
        return wsgi.empty_response(202)
    return run


def _locking(locked):
    def run(ctx, instance, body):
        servers.COMPUTE.set_locked(ctx, instance, locked)
        return wsgi.empty_response(202)
    return run


def _reboot(ctx, instance, body):
    servers.COMPUTE.reboot(ctx, instance, body['reboot']['type'].upper())
    return wsgi.empty_response(202)


def _console_output(ctx, instance, body):
    length = (body['os-getConsoleOutput'] or {}).get('length')
    length = None if length is None or int(length) < 0 else int(length)
    output = servers.COMPUTE.get_console_output(ctx, instance, tail_length=length)
    return wsgi.json_response({'output': output})


def _resize(ctx, instance, body, req):
    move_actions.resize(ctx, servers.COMPUTE.compute_task_api, instance,
                        wsgi.id_from_ref(body['resize']['flavorRef']))
    return wsgi.empty_response(202)


def _migrate(ctx, instance, body, req):
    host = (body['migrate'] or {}).get('host')
    if host is not None and not microversion.is_supported(req, '2.56'):
        raise exception.Invalid("Additional properties are not allowed ('host' was "
                                "unexpected)")
    move_actions.migrate(ctx, servers.COMPUTE.compute_task_api, instance, host)
    return wsgi.empty_response(202)


def _confirm_resize(ctx, instance, body, req):
    move_actions.confirm_resize(ctx, servers.COMPUTE.compute_rpcapi, instance)
    return wsgi.empty_response(204)


def _revert_resize(ctx, instance, body, req):
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


def _live_migrate(ctx, instance, body, req):
    options = body['os-migrateLive']
    block_migration, force = _live_options(req, options)
    move_actions.live_migrate(ctx, servers.COMPUTE.compute_task_api, instance,
                              options.get('host'), block_migration, force)
    return wsgi.empty_response(202)


def _crash_dump(ctx, instance, body):
    servers.COMPUTE.trigger_crash_dump(ctx, instance)
    return wsgi.empty_response(202)


# action -> (policy rule, runner)
_ACTIONS = {
    'os-start': (server_rules.START, _transition('start')),
    'os-stop': (server_rules.STOP, _transition('stop')),
    'pause': (action_rules.PAUSE, _transition('pause')),
    'unpause': (action_rules.UNPAUSE, _transition('unpause')),
    'suspend': (action_rules.SUSPEND, _transition('suspend')),
    'resume': (action_rules.RESUME, _transition('resume')),
    'lock': (action_rules.LOCK, _locking(True)),
    'unlock': (action_rules.UNLOCK, _locking(False)),
    'reboot': (server_rules.REBOOT, _reboot),
    'os-getConsoleOutput': (action_rules.CONSOLE_OUTPUT, _console_output),
    'trigger_crash_dump': (action_rules.CRASH_DUMP, _crash_dump),
    'os-getVNCConsole': (console_rules.REMOTE_CONSOLES, remote_consoles.legacy_action(
        'os-getVNCConsole', console_schemas.GET_VNC_CONSOLE)),
    'os-getSerialConsole': (console_rules.REMOTE_CONSOLES, remote_consoles.legacy_action(
        'os-getSerialConsole', console_schemas.GET_SERIAL_CONSOLE)),
}
# Actions whose runner also reads the request (its microversion).
_MOVES = {
    'resize': (move_rules.RESIZE, _resize),
    'migrate': (move_rules.MIGRATE, _migrate),
    'confirmResize': (move_rules.CONFIRM_RESIZE, _confirm_resize),
    'revertResize': (move_rules.REVERT_RESIZE, _revert_resize),
    'os-migrateLive': (move_rules.MIGRATE_LIVE, _live_migrate),
}

# Actions that exist only in a range of microversions (Nova answers 404 outside).
_VERSIONS = {'os-getVNCConsole': ('2.0', '2.5'), 'os-getSerialConsole': ('2.0', '2.5'),
             'trigger_crash_dump': ('2.17', None)}


def dispatch(req, server_id):
    body = validation.load_body(req)
    if not isinstance(body, dict) or not body:
        raise exception.Invalid("Malformed request body")
    if len(body) != 1:
        raise exception.Invalid("Malformed request body: too many body keys")
    name = next(iter(body))
    if name not in _ACTIONS and name not in _MOVES:
        raise exception.Invalid(f"There is no such action: {name}")
    if not microversion.is_supported(req, *_VERSIONS.get(name, ('2.0', None))):
        raise exception.NotFound("The resource could not be found.")
    rule, run = _ACTIONS.get(name) or _MOVES[name]
    if name in schemas.ACTIONS:
        validation.validate(schemas.ACTIONS[name], body)
    instance = servers.get_instance(req, server_id, rule)
    if name in _MOVES:
        return run(wsgi.context(req), instance, body, req)
    return run(wsgi.context(req), instance, body)
