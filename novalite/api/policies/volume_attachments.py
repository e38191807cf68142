"""Rules of ``/servers/{server_id}/os-volume_attachments``: ``ROOT % 'index'`` and so on."""

from novalite.api.policies import base

ROOT = 'os_compute_api:os-volumes-attachments:%s'

_PATH = '/servers/{server_id}/os-volume_attachments'

rules = [
    base.rule(ROOT % 'index', base.PROJECT_READER_OR_ADMIN,
              "List volume attachments for an instance", 'GET ' + _PATH),
    base.rule(ROOT % 'create', base.PROJECT_MEMBER_OR_ADMIN,
              "Attach a volume to an instance", 'POST ' + _PATH),
    base.rule(ROOT % 'show', base.PROJECT_READER_OR_ADMIN,
              "Show details of a volume attachment", 'GET ' + _PATH + '/{volume_id}'),
    base.rule(ROOT % 'update', base.PROJECT_MEMBER_OR_ADMIN,
              "Update a volume attachment (2.85: delete_on_termination)",
              'PUT ' + _PATH + '/{volume_id}'),
    base.rule(ROOT % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
              "Detach a volume from an instance", 'DELETE ' + _PATH + '/{volume_id}'),
]
