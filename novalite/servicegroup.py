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


def has_lapsed(service, now=None, heard_since=None):
    """True if an enabled ``service`` is down but beat lately: lapsed, not long gone.

    Lately is within three ``service_down_time``: what a broker or database
    restart does to the heartbeats of services that are fine. ``heard_since``
    is when the path of its heartbeats (the conductor asking) came up: for
    ``service_down_time`` after that, a service silent for longer is lapsed
    too, since its silence may be that path's own outage, not the service's.
    """
    if service.get('forced_down') or service.get('disabled'):
        return False
    now = now or timeutils.utcnow()
    since = _seconds_since_beat(service, now)
    if since is None or since <= CONF.service_down_time:
        return False
    return since <= 3 * CONF.service_down_time or _listening_lately(heard_since, now)


def _listening_lately(heard_since, now):
    return heard_since is not None and \
        (now - heard_since).total_seconds() <= CONF.service_down_time


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
