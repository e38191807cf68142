"""Rules of ``/servers/{server_id}/tags`` (2.26): ``ROOT % 'index'`` and so on."""

from novalite.api.policies import base

ROOT = 'os_compute_api:os-server-tags:%s'

_PATH = '/servers/{server_id}/tags'

rules = [
    base.rule(ROOT % 'index', base.PROJECT_READER_OR_ADMIN, "List all tags for given server",
              'GET ' + _PATH),
    base.rule(ROOT % 'show', base.PROJECT_READER_OR_ADMIN, "Check tag existence on the server",
              'GET ' + _PATH + '/{tag}'),
    base.rule(ROOT % 'update', base.PROJECT_MEMBER_OR_ADMIN, "Add a single tag to the server",
              'PUT ' + _PATH + '/{tag}'),
    base.rule(ROOT % 'update_all', base.PROJECT_MEMBER_OR_ADMIN,
              "Replace all tags on specified server with the new set of tags",
              'PUT ' + _PATH),
    base.rule(ROOT % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
              "Delete a single tag from the specified server", 'DELETE ' + _PATH + '/{tag}'),
    base.rule(ROOT % 'delete_all', base.PROJECT_MEMBER_OR_ADMIN,
              "Delete all the server tags", 'DELETE ' + _PATH),
]
