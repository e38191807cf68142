"""Rules of ``/servers/{server_id}/os-instance-actions``."""

from novalite.api.policies import base

ROOT = 'os_compute_api:os-instance-actions:%s'
LIST = ROOT % 'list'
SHOW = ROOT % 'show'
EVENTS = ROOT % 'events'

_PATH = '/servers/{server_id}/os-instance-actions'

rules = [
    base.rule(LIST, base.PROJECT_READER_OR_ADMIN, "List the actions of a server",
              'GET ' + _PATH),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN, "Show an action of a server",
              'GET ' + _PATH + '/{request_id}'),
    base.rule(EVENTS, base.ADMIN,
              "Show the events of a server action (and, before 2.51, their tracebacks)",
              'GET ' + _PATH + '/{request_id}'),
]
