"""Rules of ``/servers/{server_id}/os-instance-actions``."""

from novalite.api.policies import base

ROOT = 'os_compute_api:os-instance-actions:%s'
LIST = ROOT % 'list'
SHOW = ROOT % 'show'
EVENTS = ROOT % 'events'
EVENTS_DETAILS = ROOT % 'events:details'

_PATH = '/servers/{server_id}/os-instance-actions'

rules = [
    base.rule(LIST, base.PROJECT_READER_OR_ADMIN, "List the actions of a server",
              'GET ' + _PATH),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN, "Show an action of a server",
              'GET ' + _PATH + '/{request_id}'),
    base.rule(EVENTS, base.ADMIN,
              "Show the events of a server action to every reader before 2.51; their "
              "tracebacks and hosts at every version",
              'GET ' + _PATH + '/{request_id}'),
    base.rule(EVENTS_DETAILS, base.ADMIN, "Show the details of server action events (2.84)",
              'GET ' + _PATH + '/{request_id}'),
]
