"""Rules of moving servers: resize (the owner's), migrations and their records (admins')."""

from novalite.api.policies import base

RESIZE = 'os_compute_api:servers:resize'
CONFIRM_RESIZE = 'os_compute_api:servers:confirm_resize'
REVERT_RESIZE = 'os_compute_api:servers:revert_resize'
MIGRATE = 'os_compute_api:os-migrate-server:migrate'
MIGRATE_LIVE = 'os_compute_api:os-migrate-server:migrate_live'
MIGRATIONS_INDEX = 'os_compute_api:servers:migrations:index'
MIGRATIONS_SHOW = 'os_compute_api:servers:migrations:show'
MIGRATIONS_DELETE = 'os_compute_api:servers:migrations:delete'
MIGRATIONS_FORCE_COMPLETE = 'os_compute_api:servers:migrations:force_complete'

_ACTION = 'POST /servers/{server_id}/action (%s)'
_MIGRATION = '/servers/{server_id}/migrations/{migration_id}'

rules = [
    base.rule(RESIZE, base.PROJECT_MEMBER_OR_ADMIN, "Resize a server", _ACTION % 'resize'),
    base.rule(CONFIRM_RESIZE, base.PROJECT_MEMBER_OR_ADMIN, "Confirm a server resize",
              _ACTION % 'confirmResize'),
    base.rule(REVERT_RESIZE, base.PROJECT_MEMBER_OR_ADMIN, "Revert a server resize",
              _ACTION % 'revertResize'),
    base.rule(MIGRATE, base.ADMIN, "Cold migrate a server to a host", _ACTION % 'migrate'),
    base.rule(MIGRATE_LIVE, base.ADMIN, "Live migrate a server to a new host without a reboot",
              _ACTION % 'os-migrateLive'),
    base.rule(MIGRATIONS_INDEX, base.ADMIN, "Lists in-progress live migrations for a server",
              'GET /servers/{server_id}/migrations'),
    base.rule(MIGRATIONS_SHOW, base.ADMIN, "Show details for an in-progress live migration",
              'GET ' + _MIGRATION),
    base.rule(MIGRATIONS_DELETE, base.ADMIN, "Delete (abort) a migration", 'DELETE ' + _MIGRATION),
    base.rule(MIGRATIONS_FORCE_COMPLETE, base.ADMIN, "Force an in-progress live migration "
              "for a given server to complete", f'POST {_MIGRATION}/action (force_complete)'),
]
