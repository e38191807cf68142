"""Rules of rescue, unrescue and changePassword."""

from novalite.api.policies import base

RESCUE = 'os_compute_api:os-rescue'
UNRESCUE = 'os_compute_api:os-unrescue'
ADMIN_PASSWORD = 'os_compute_api:os-admin-password'

_ACTION = 'POST /servers/{server_id}/action (%s)'

rules = [
    base.rule(RESCUE, base.PROJECT_MEMBER_OR_ADMIN, "Rescue a server", _ACTION % 'rescue'),
    base.rule(UNRESCUE, base.PROJECT_MEMBER_OR_ADMIN, "Unrescue a server",
              _ACTION % 'unrescue'),
    base.rule(ADMIN_PASSWORD, base.PROJECT_MEMBER_OR_ADMIN,
              "Change the administrative password of a server (through its guest agent)",
              _ACTION % 'changePassword'),
]
