"""Remote consoles: ``POST /servers/{id}/remote-consoles`` (2.6+), the legacy
``os-getVNCConsole``/``os-getSerialConsole`` actions (up to 2.5), and
``GET /os-console-auth-tokens/{token}`` (admin: what a token opens).

Each answers a URL of ``novalite-novncproxy`` or ``novalite-serialproxy``
with a fresh token; see :mod:`novalite.compute.consoles`.
"""

from novalite import exception
from novalite.api import microversion, policy, servers, validation, wsgi
from novalite.api.policies import remote_consoles as rules
from novalite.api.schemas import remote_consoles as schemas
from novalite.db import console_auth_tokens

# (protocol, type) pairs novalite serves, to the console type they make.
_SERVED = {('vnc', 'novnc'): 'novnc', ('serial', 'serial'): 'serial'}


@microversion.supported(min_version='2.6')
@validation.body(schemas.CREATE)
def create(req, server_id):
    asked = validation.load_body(req)['remote_console']
    console_type = _SERVED.get((asked['protocol'], asked['type']))
    if console_type is None:
        raise exception.ConsoleTypeUnavailable(console_type=asked['type'])
    instance = servers.get_instance(req, server_id, rules.REMOTE_CONSOLES)
    console = servers.COMPUTE.get_console(wsgi.context(req), instance, console_type)
    return wsgi.json_response({'remote_console': {
        'protocol': asked['protocol'], 'type': asked['type'], 'url': console['url']}})


def legacy_action(name):
    """An action runner (``api.actions``) of ``os-getVNCConsole`` or ``os-getSerialConsole``."""
    def run(req, ctx, instance, body):
        console_type = body[name]['type']
        if console_type not in ('novnc', 'serial'):
            raise exception.ConsoleTypeUnavailable(console_type=console_type)
        console = servers.COMPUTE.get_console(ctx, instance, console_type)
        return wsgi.json_response({'console': console})
    return run


def show_token(req, console_token):
    ctx = wsgi.context(req)
    policy.authorize(ctx, rules.CONSOLE_AUTH_TOKENS, {'project_id': ctx.project_id})
    try:
        token = console_auth_tokens.token_validate(console_token)
    except exception.InvalidToken:
        raise exception.NotFound("The token is invalid or has expired") from None
    # Before 2.31 only RDP tokens could be shown (Nova's rule).
    if not microversion.is_supported(req, '2.31'):
        raise exception.Invalid("The requested console type details are not accessible")
    return wsgi.json_response({'console': {
        'instance_uuid': token['instance_uuid'], 'host': token['host'],
        'port': token['port'], 'internal_access_path': token['internal_access_path']}})
