"""Rules of ``/flavors``: listing and showing need no rule, as in Nova (a private
flavor is hidden by its access list, not by policy); writes, access lists and
extra spec writes are an administrator's."""

from novalite.api.policies import base

CREATE = 'os_compute_api:os-flavor-manage:create'
DELETE = 'os_compute_api:os-flavor-manage:delete'
UPDATE = 'os_compute_api:os-flavor-manage:update'
ACCESS = 'os_compute_api:os-flavor-access'
ACCESS_ADD = ACCESS + ':add_tenant_access'
ACCESS_REMOVE = ACCESS + ':remove_tenant_access'
EXTRA_SPECS = 'os_compute_api:os-flavor-extra-specs:%s'

rules = [
    base.rule(CREATE, base.ADMIN, "Create a flavor", 'POST /flavors'),
    base.rule(DELETE, base.ADMIN, "Delete a flavor", 'DELETE /flavors/{flavor_id}'),
    base.rule(UPDATE, base.ADMIN, "Update a flavor", 'PUT /flavors/{flavor_id}'),
    base.rule(ACCESS, base.ADMIN, "List flavor access information",
              'GET /flavors/{flavor_id}/os-flavor-access'),
    base.rule(ACCESS_ADD, base.ADMIN, "Add flavor access to a tenant",
              'POST /flavors/{flavor_id}/action (addTenantAccess)'),
    base.rule(ACCESS_REMOVE, base.ADMIN, "Remove flavor access from a tenant",
              'POST /flavors/{flavor_id}/action (removeTenantAccess)'),
    base.rule(EXTRA_SPECS % 'index', base.PROJECT_READER_OR_ADMIN,
              "List extra specs for a flavor", 'GET /flavors/{flavor_id}/os-extra_specs'),
    base.rule(EXTRA_SPECS % 'show', base.PROJECT_READER_OR_ADMIN,
              "Show an extra spec for a flavor",
              'GET /flavors/{flavor_id}/os-extra_specs/{flavor_extra_spec_key}'),
    base.rule(EXTRA_SPECS % 'create', base.ADMIN, "Create extra specs for a flavor",
              'POST /flavors/{flavor_id}/os-extra_specs'),
    base.rule(EXTRA_SPECS % 'update', base.ADMIN, "Update an extra spec for a flavor",
              'PUT /flavors/{flavor_id}/os-extra_specs/{flavor_extra_spec_key}'),
    base.rule(EXTRA_SPECS % 'delete', base.ADMIN, "Delete an extra spec for a flavor",
              'DELETE /flavors/{flavor_id}/os-extra_specs/{flavor_extra_spec_key}'),
]
