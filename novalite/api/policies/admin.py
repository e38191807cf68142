"""Rules of the administrative reads and actions: migrations, hosts, external events,
reset state, and the restore or force delete of soft-deleted servers.

``os-migrations:index`` stays administrator-only here: Nova 32 lets a
project manager list its own project's migrations, which needs the listing
to scope by project first.
"""

from novalite.api.policies import base

MIGRATIONS = 'os_compute_api:os-migrations:index'
MIGRATIONS_HOST = 'os_compute_api:os-migrations:index:host'
EXTERNAL_EVENTS = 'os_compute_api:os-server-external-events:create'
HOSTS_LIST = 'os_compute_api:os-hosts:list'
HOSTS_SHOW = 'os_compute_api:os-hosts:show'
RESET_STATE = 'os_compute_api:os-admin-actions:reset_state'
FORCE_DELETE = 'os_compute_api:os-deferred-delete:force'
RESTORE = 'os_compute_api:os-deferred-delete:restore'

_ACTION = 'POST /servers/{server_id}/action (%s)'

rules = [
    base.rule(MIGRATIONS, base.ADMIN, "List migrations", 'GET /os-migrations'),
    base.rule(MIGRATIONS_HOST, base.ADMIN, "List migrations with their source and "
              "destination hosts", 'GET /os-migrations'),
    base.rule(EXTERNAL_EVENTS, base.ADMIN, "Create one or more external events",
              'POST /os-server-external-events'),
    base.rule(HOSTS_LIST, base.ADMIN, "List physical hosts (before 2.43)", 'GET /os-hosts'),
    base.rule(HOSTS_SHOW, base.ADMIN, "Show details for a host (before 2.43)",
              'GET /os-hosts/{host_name}'),
    base.rule(RESET_STATE, base.ADMIN, "Reset the state of a given server",
              _ACTION % 'os-resetState'),
    base.rule(FORCE_DELETE, base.PROJECT_MEMBER_OR_ADMIN, "Force delete a soft-deleted server",
              _ACTION % 'forceDelete'),
    base.rule(RESTORE, base.PROJECT_MEMBER_OR_ADMIN, "Restore a soft-deleted server",
              _ACTION % 'restore'),
]
