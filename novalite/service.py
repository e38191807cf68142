"""The RPC service base every daemon but the API runs.

A :class:`Service` joins the ``services`` table, serves its manager over RPC
on ``topic`` (shared queue) and ``topic.host`` (its own), heartbeats every
``report_interval`` and runs the manager's periodic tasks. It waits at start
for the peer it joins through (the database, or the conductor for compute
hosts), saying so in its log, so daemons may start in any order. On stop (SIGTERM
through oslo.service's launcher) it stops taking new messages first, then
waits for the in-flight ones, bounded by ``graceful_shutdown_timeout``.
"""

import gc

import oslo_messaging as messaging
from oslo_db import exception as db_exc
from oslo_log import log as logging
from oslo_service import service

from novalite import concurrency, context, rpc
from novalite.conf import CONF

LOG = logging.getLogger(__name__)

# What a peer that is not up yet (or restarting) looks like from here.
_PEER_ABSENT = (messaging.MessagingTimeout, messaging.MessageDeliveryFailure,
                db_exc.DBConnectionError)


class Service(service.Service):
    def __init__(self, host, binary, topic, manager, servicegroup):
        super().__init__()
        self.host, self.binary, self.topic = host, binary, topic
        self.manager = manager
        self.servicegroup = servicegroup
        self.service_ref = None
        self.rpcserver = None

    def start(self):
        ctxt = context.get_admin_context()
        LOG.info('Starting %s on %s', self.binary, self.host)
        self.service_ref = self._join(ctxt)
        self.manager.init_host(ctxt)
        endpoints = [self.manager, *self.manager.additional_endpoints]
        self.rpcserver = rpc.get_server(self.topic, self.host, endpoints)
        self.rpcserver.start()
        self.manager.post_start_hook(ctxt)
        # As the API does: collections triggered by each message's garbage
        # then skip the start-up heap (libraries, config, host states).
        gc.freeze()
        self.tg.add_timer(CONF.report_interval, self._heartbeat, CONF.report_interval)
        self.tg.add_dynamic_timer(self._run_periodic_tasks, initial_delay=None,
                                  periodic_interval_max=CONF.periodic_interval)

    def _join(self, ctxt):
        """Join the services table, waiting as long as it takes for the peer to answer."""
        delay = 1
        while True:
            try:
                return self.servicegroup.join(ctxt, self.host, self.binary, self.topic)
            except _PEER_ABSENT as exc:
                LOG.warning('%s on %s is waiting for %s (%s: %s); trying again in %s s',
                            self.binary, self.host, self.servicegroup.peer,
                            type(exc).__name__, str(exc).splitlines()[0] if str(exc) else '',
                            delay)
                concurrency.sleep(delay)
                delay = min(delay * 2, CONF.report_interval)

    def _heartbeat(self):
        try:
            self.service_ref = self.servicegroup.heartbeat(context.get_admin_context(),
                                                           self.service_ref)
        except Exception:
            # A missed beat is survivable; the next one may reach the DB.
            LOG.exception('Heartbeat of %s on %s failed', self.binary, self.host)

    def _run_periodic_tasks(self):
        return self.manager.run_periodic_tasks(context.get_admin_context(),
                                               raise_on_error=False)

    def stop(self, graceful=True):
        LOG.info('Stopping %s on %s', self.binary, self.host)
        if self.rpcserver is not None:
            self.rpcserver.stop()
            self.rpcserver.wait()
        self.manager.cleanup_host()
        super().stop(graceful)


class InOrder(service.Service):
    """Services run as one: started in the order given, stopped in the reverse one.

    For the all-in-one, whose compute host must stop (finishing or
    cancelling its operations, which call the conductor) before the
    conductor and scheduler it calls stop serving.
    """

    def __init__(self, services):
        super().__init__()
        self.services = services

    def start(self):
        for member in self.services:
            member.start()

    def stop(self, graceful=True):
        for member in reversed(self.services):
            member.stop()
        super().stop(graceful)

    def wait(self):
        for member in self.services:
            member.wait()

    def reset(self):
        for member in self.services:
            member.reset()


class Manager:
    """What a Service needs from the manager it serves; managers mix this in."""

    additional_endpoints = ()

    def init_host(self, context):
        """Set up before the RPC server starts taking messages."""

    def post_start_hook(self, context):
        """Run once the RPC server is consuming."""

    def cleanup_host(self):
        """Release resources on stop, after in-flight messages finished."""
