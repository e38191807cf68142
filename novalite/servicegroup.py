"""Service liveness: joining the ``services`` table and heartbeating into it.

Services with database access heartbeat directly; compute hosts have none and
heartbeat through the conductor. Whether a service is up is derived from its
last heartbeat and ``[DEFAULT] service_down_time``.
"""

import datetime

from oslo_utils import timeutils

from novalite.conf import CONF


def is_up(service, now=None):
    """True if ``service`` (a services row dict) heartbeated recently enough."""
    if service.get('forced_down'):
        return False
    last = service.get('last_seen_up') or service.get('updated_at') or service.get('created_at')
    if last is None:
        return False
    if isinstance(last, str):
        last = datetime.datetime.fromisoformat(last)
    now = now or timeutils.utcnow()
    return abs((now - last).total_seconds()) <= CONF.service_down_time


class DBServiceGroup:
    """Heartbeats straight into the database (api, conductor, scheduler)."""

    def join(self, context, host, binary, topic):
        from novalite.db import services
        return services.service_get_or_create(host, binary, topic)

    def heartbeat(self, context, service):
        from novalite.db import services
        return services.service_heartbeat(service['id'])


class ConductorServiceGroup:
    """Heartbeats through the conductor (compute hosts, which have no DB)."""

    def __init__(self):
        from novalite.conductor import rpcapi
        self.conductor = rpcapi.ConductorAPI()

    def join(self, context, host, binary, topic):
        return self.conductor.service_join(context, host, binary, topic)

    def heartbeat(self, context, service):
        return self.conductor.service_heartbeat(context, service['id'])
