"""Rules of ``/servers/{server_id}/metadata``: ``ROOT % 'index'`` and so on."""

from novalite.api.policies import base

ROOT = 'os_compute_api:server-metadata:%s'

_PATH = '/servers/{server_id}/metadata'

rules = [
    base.rule(ROOT % 'index', base.PROJECT_READER_OR_ADMIN, "List all metadata of a server",
              'GET ' + _PATH),
    base.rule(ROOT % 'show', base.PROJECT_READER_OR_ADMIN, "Show metadata for a server",
              'GET ' + _PATH + '/{key}'),
    base.rule(ROOT % 'create', base.PROJECT_MEMBER_OR_ADMIN, "Create metadata for a server",
              'POST ' + _PATH),
    base.rule(ROOT % 'update_all', base.PROJECT_MEMBER_OR_ADMIN,
              "Replace metadata for a server", 'PUT ' + _PATH),
    base.rule(ROOT % 'update', base.PROJECT_MEMBER_OR_ADMIN, "Update metadata from a server",
              'PUT ' + _PATH + '/{key}'),
    base.rule(ROOT % 'delete', base.PROJECT_MEMBER_OR_ADMIN, "Delete metadata from a server",
              'DELETE ' + _PATH + '/{key}'),
]
