"""Rules of ``/os-services``: the daemons of the deployment, administrators only."""

from novalite.api.policies import base

LIST = 'os_compute_api:os-services:list'
UPDATE = 'os_compute_api:os-services:update'
DELETE = 'os_compute_api:os-services:delete'

rules = [
    base.rule(LIST, base.ADMIN, "List all running compute services in a region",
              'GET /os-services'),
    base.rule(UPDATE, base.ADMIN,
              "Update a compute service: enable, disable (with a reason) or force down",
              'PUT /os-services/{service_id}'),
    base.rule(DELETE, base.ADMIN, "Delete a compute service",
              'DELETE /os-services/{service_id}'),
]
