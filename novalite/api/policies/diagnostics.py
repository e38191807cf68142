"""Rules of ``/servers/{server_id}/diagnostics``."""

from novalite.api.policies import base

SHOW = 'os_compute_api:os-server-diagnostics'

rules = [
    base.rule(SHOW, base.ADMIN, "Show the usage data of a server",
              'GET /servers/{server_id}/diagnostics'),
]
