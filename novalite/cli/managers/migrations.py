"""Migrations: ``/os-migrations``, every move's record (administrators)."""

from novalite.cli import base

# The microversion each filter needs; the listing asks for at least 2.23
# (migration types) and pages from 2.59.
_FILTER_VERSIONS = {'changes-since': (2, 59), 'changes-before': (2, 66),
                    'user_id': (2, 80), 'project_id': (2, 80)}


class MigrationManager(base.Manager):
    kind = 'migration'

    def list(self, **filters):
        """Every record matching ``filters`` (``host``, ``status``, ``instance_uuid``,
        ``migration_type``, ``changes-since``, ...), following pages."""
        filters = base.clean_params(filters)
        wanted = max([(2, 23)] + [_FILTER_VERSIONS[key] for key in filters
                                  if key in _FILTER_VERSIONS])
        version = max(wanted, self.client.api_version)
        return self.list_all('/os-migrations', 'migrations', filters,
                             microversion='%d.%d' % version)
