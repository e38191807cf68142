"""Rules of ``/os-simple-tenant-usage``: every project's usage for administrators,
a project's own for its readers."""

from novalite.api.policies import base

LIST = 'os_compute_api:os-simple-tenant-usage:list'
SHOW = 'os_compute_api:os-simple-tenant-usage:show'

rules = [
    base.rule(LIST, base.ADMIN, "List per tenant usage statistics for all tenants",
              'GET /os-simple-tenant-usage'),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN, "Show usage statistics for a specific tenant",
              'GET /os-simple-tenant-usage/{tenant_id}'),
]
