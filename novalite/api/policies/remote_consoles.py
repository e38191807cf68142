"""Rules of remote consoles and of ``os-console-auth-tokens``."""

from novalite.api.policies import base

REMOTE_CONSOLES = 'os_compute_api:os-remote-consoles'
CONSOLE_AUTH_TOKENS = 'os_compute_api:os-console-auth-tokens'

rules = [
    base.rule(REMOTE_CONSOLES, base.PROJECT_MEMBER_OR_ADMIN,
              "Generate a URL to a server's remote console",
              'POST /servers/{server_id}/action (os-getVNCConsole)',
              'POST /servers/{server_id}/action (os-getSerialConsole)',
              'POST /servers/{server_id}/remote-consoles'),
    base.rule(CONSOLE_AUTH_TOKENS, base.ADMIN,
              "Show the connection details behind a console auth token",
              'GET /os-console-auth-tokens/{console_token}'),
]
