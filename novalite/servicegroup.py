"""Service liveness: joining the ``services`` table and heartbeating into it.

Services with database access heartbeat directly; compute hosts have none and
heartbeat through the conductor. Whether a service is up is derived from its
last heartbeat and ``[DEFAULT] service_down_time``.
"""

import datetime

from oslo_utils import timeutils

from novalite.conf import CONF


def _seconds_since_beat(service, now=None):
    """Seconds since ``service`` (a services row dict) last heartbeated; None if never."""
    last = service.get('last_seen_up') or service.get('updated_at') or service.get('created_at')
    if last is None:
        return None
    if isinstance(last, str):
        last = datetime.datetime.fromisoformat(last)
    return abs(((now or timeutils.utcnow()) - last).total_seconds())


def is_up(service, now=None):
    """True if ``service`` (a services row dict) heartbeated recently enough."""
    if service.get('forced_down'):
        return False
    since = _seconds_since_beat(service, now)
    return since is not None and since <= CONF.service_down_time


def has_lapsed(service, now=None):
    """True if an enabled ``service`` is down but beat lately: lapsed, not long gone.

    Lately is within three ``service_down_time``: what a broker or database
    restart does to the heartbeats of services that are fine.
    """
    if service.get('forced_down') or service.get('disabled'):
        return False
    since = _seconds_since_beat(service, now)
    return since is not None and CONF.service_down_time < since <= 3 * CONF.service_down_time


def call_timeout(conf=CONF):
    """Seconds a heartbeat waits for its answer.

    Shorter than ``rpc_response_timeout``: a beat lost with a broker restart
    must not hold up the next one until the service looks down.
    """
    return max(conf.report_interval, conf.service_down_time // 4)


class DBServiceGroup:
    """Heartbeats straight into the database (api, conductor, scheduler)."""

    peer = 'the database'

    def join(self, context, host, binary, topic):
        from novalite.db import services
        return services.service_get_or_create(host, binary, topic)

    def heartbeat(self, context, service):
        from novalite.db import services
        return services.service_heartbeat(service['id'])


class ConductorServiceGroup:
    """Heartbeats through the conductor (compute hosts, which have no DB)."""

    peer = 'the conductor'

    def __init__(self):
        from novalite.conductor import rpcapi
        self.conductor = rpcapi.ConductorAPI()

    def join(self, context, host, binary, topic):
        return self.conductor.service_join(context, host, binary, topic,
                                           timeout=call_timeout())

    def heartbeat(self, context, service):
        return self.conductor.service_heartbeat(context, service['id'],
                                                timeout=call_timeout())
