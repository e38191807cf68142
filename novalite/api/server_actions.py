"""Server actions: ``POST /servers/{id}/action`` with a one-key body naming the action.

``{"os-stop": null}``, ``{"reboot": {"type": "HARD"}}``,
``{"os-getConsoleOutput": {"length": 50}}``... Each action validates its
body, checks its policy on the server, then calls the compute API, which
checks the server's state (409 when the action cannot start from it).
"""

from novalite import exception
from novalite.api import policy, servers, validation, wsgi
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


# action -> (policy rule suffix, runner)
_ACTIONS = {
    'os-start': ('start', _transition('start')),
    'os-stop': ('stop', _transition('stop')),
    'pause': ('pause', _transition('pause')),
    'unpause': ('unpause', _transition('unpause')),
    'suspend': ('suspend', _transition('suspend')),
    'resume': ('resume', _transition('resume')),
    'lock': ('lock', _locking(True)),
    'unlock': ('unlock', _locking(False)),
    'reboot': ('reboot', _reboot),
    'os-getConsoleOutput': ('console_output', _console_output),
}


def dispatch(req, server_id):
    body = validation.load_body(req)
    if not isinstance(body, dict) or not body:
        raise exception.Invalid("Malformed request body")
    if len(body) != 1:
        raise exception.Invalid("Malformed request body: too many body keys")
    name = next(iter(body))
    if name not in _ACTIONS:
        raise exception.Invalid(f"There is no such action: {name}")
    rule, run = _ACTIONS[name]
    validation.validate(schemas.ACTIONS[name], body)
    instance = servers.get_instance(req, server_id, policy.SERVERS % rule)
    return run(wsgi.context(req), instance, body)
