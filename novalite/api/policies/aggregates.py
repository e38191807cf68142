"""Rules of ``/os-aggregates``: host aggregates, administrators only."""

from novalite.api.policies import base

ROOT = 'os_compute_api:os-aggregates:%s'
# Nova named the 2.81 rule in its newer scheme.
IMAGES = 'compute:aggregates:images'

_ONE = '/os-aggregates/{aggregate_id}'

rules = [
    base.rule(ROOT % 'index', base.ADMIN, "List all aggregates", 'GET /os-aggregates'),
    base.rule(ROOT % 'create', base.ADMIN, "Create an aggregate", 'POST /os-aggregates'),
    base.rule(ROOT % 'show', base.ADMIN, "Show details for an aggregate", 'GET ' + _ONE),
    base.rule(ROOT % 'update', base.ADMIN, "Update name and/or availability zone",
              'PUT ' + _ONE),
    base.rule(ROOT % 'delete', base.ADMIN, "Delete an aggregate", 'DELETE ' + _ONE),
    base.rule(ROOT % 'add_host', base.ADMIN, "Add a host to an aggregate",
              'POST ' + _ONE + '/action (add_host)'),
    base.rule(ROOT % 'remove_host', base.ADMIN, "Remove a host from an aggregate",
              'POST ' + _ONE + '/action (remove_host)'),
    base.rule(ROOT % 'set_metadata', base.ADMIN, "Create or replace metadata for an aggregate",
              'POST ' + _ONE + '/action (set_metadata)'),
    base.rule(IMAGES, base.ADMIN, "Request image caching for an aggregate",
              'POST ' + _ONE + '/images'),
]
