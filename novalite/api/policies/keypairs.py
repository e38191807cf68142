"""Rules of ``/os-keypairs``: a user's own keys, or any user's for an administrator.

The target is the key pairs' user (``user_id``), not a project: key pairs
belong to users, as in Nova.
"""

from novalite.api.policies import base

ROOT = 'os_compute_api:os-keypairs:%s'
INDEX = ROOT % 'index'
CREATE = ROOT % 'create'
SHOW = ROOT % 'show'
DELETE = ROOT % 'delete'

_OWNER_OR_ADMIN = '(' + base.ADMIN + ') or user_id:%(user_id)s'

rules = [
    base.rule(INDEX, _OWNER_OR_ADMIN, "List all keypairs", 'GET /os-keypairs'),
    base.rule(CREATE, _OWNER_OR_ADMIN, "Create a keypair", 'POST /os-keypairs'),
    base.rule(SHOW, _OWNER_OR_ADMIN, "Show details of a keypair",
              'GET /os-keypairs/{keypair_name}'),
    base.rule(DELETE, _OWNER_OR_ADMIN, "Delete a keypair",
              'DELETE /os-keypairs/{keypair_name}'),
]
