"""Rules of rebuilding servers (the owner's) and evacuating them (admins')."""

from novalite.api.policies import base

REBUILD = 'os_compute_api:servers:rebuild'
REBUILD_TRUSTED_CERTS = 'os_compute_api:servers:rebuild:trusted_certs'
EVACUATE = 'os_compute_api:os-evacuate'

_ACTION = 'POST /servers/{server_id}/action (%s)'

rules = [
    base.rule(REBUILD, base.PROJECT_MEMBER_OR_ADMIN, "Rebuild a server", _ACTION % 'rebuild'),
    base.rule(REBUILD_TRUSTED_CERTS, base.PROJECT_MEMBER_OR_ADMIN,
              "Rebuild a server with trusted image certificate IDs (2.63)",
              _ACTION % 'rebuild'),
    base.rule(EVACUATE, base.ADMIN, "Evacuate a server from a failed host to a new host",
              _ACTION % 'evacuate'),
]
