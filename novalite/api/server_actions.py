"""Server actions: ``POST /servers/{id}/action`` with a one-key body naming the action.

``{"os-stop": null}``, ``{"reboot": {"type": "HARD"}}``,
``{"os-getConsoleOutput": {"length": 50}}``... The body is validated with
the action's schema at the request's microversion
(:mod:`novalite.api.schemas.server_actions`), the action's policy checked on
the server, then the runner calls the compute API, which checks the
server's state (409 when the action cannot start from it). The runners live
in :mod:`novalite.api.actions`, one module per family.
"""

from novalite import exception
from novalite.api import microversion, servers, validation, wsgi
from novalite.api.actions import admin, images, lifecycle, moves, rebuild, rescue
from novalite.api.schemas import server_actions as schemas

ACTIONS = {**lifecycle.ACTIONS, **moves.ACTIONS, **images.ACTIONS, **rebuild.ACTIONS,
           **admin.ACTIONS, **rescue.ACTIONS}


def body_schema_at(version):
    """Every action body ``version`` takes: one of each action's schema."""
    return {'oneOf': [schemas.schema_at(name, version) for name, action in ACTIONS.items()
                      if microversion.in_range(version, *action.versions)]}


@validation.body_declared(body_schema_at)
def dispatch(req, server_id):
    body = validation.load_body(req)
    if not isinstance(body, dict) or not body:
        raise exception.Invalid("Malformed request body")
    if len(body) != 1:
        raise exception.Invalid("Malformed request body: too many body keys")
    name = next(iter(body))
    if name not in ACTIONS:
        raise exception.Invalid(f"There is no such action: {name}")
    action = ACTIONS[name]
    if not microversion.is_supported(req, *action.versions):
        raise exception.NotFound("The resource could not be found.")
    validation.validate(schemas.schema_at(name, microversion.request_version(req)), body)
    instance = servers.get_instance(req, server_id, action.rule)
    return action.run(req, wsgi.context(req), instance, body)
