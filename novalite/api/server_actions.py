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
from novalite.api.policies import servers as server_rules
from novalite.api.schemas import remote_consoles as console_schemas
from novalite.api.schemas import servers as schemas


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
    'os-getVNCConsole': (console_rules.REMOTE_CONSOLES, remote_consoles.legacy_action(
        'os-getVNCConsole', console_schemas.GET_VNC_CONSOLE)),
    'os-getSerialConsole': (console_rules.REMOTE_CONSOLES, remote_consoles.legacy_action(
        'os-getSerialConsole', console_schemas.GET_SERIAL_CONSOLE)),
}

# Actions that exist only up to a microversion (Nova answers 404 after it).
_MAX_VERSIONS = {'os-getVNCConsole': '2.5', 'os-getSerialConsole': '2.5'}


def dispatch(req, server_id):
    body = validation.load_body(req)
    if not isinstance(body, dict) or not body:
        raise exception.Invalid("Malformed request body")
    if len(body) != 1:
        raise exception.Invalid("Malformed request body: too many body keys")
    name = next(iter(body))
    if name not in _ACTIONS:
        raise exception.Invalid(f"There is no such action: {name}")
    if not microversion.is_supported(req, '2.0', _MAX_VERSIONS.get(name)):
        raise exception.NotFound("The resource could not be found.")
    rule, run = _ACTIONS[name]
    if name in schemas.ACTIONS:
        validation.validate(schemas.ACTIONS[name], body)
    instance = servers.get_instance(req, server_id, rule)
    return run(wsgi.context(req), instance, body)
