"""Rules of ``/servers/{server_id}/os-server-password``."""

from novalite.api.policies import base

SHOW = 'os_compute_api:os-server-password:show'
CLEAR = 'os_compute_api:os-server-password:clear'

rules = [
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN, "Show the encrypted administrative password "
              "of a server", 'GET /servers/{server_id}/os-server-password'),
    base.rule(CLEAR, base.PROJECT_MEMBER_OR_ADMIN, "Clear the encrypted administrative "
              "password of a server", 'DELETE /servers/{server_id}/os-server-password'),
]
