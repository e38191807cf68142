"""The scheduler service's RPC endpoint.

``novalite-scheduler`` serves one :class:`SchedulerManager` on the shared
``scheduler`` topic. The manager holds the worker's
:class:`~novalite.scheduler.selection.FilterScheduler`, warms its host states
at start and keeps them fresh between requests with a periodic task.
"""

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_service import periodic_task

from novalite import exception, objects, service
from novalite.conf import CONF
from novalite.scheduler import selection

LOG = logging.getLogger(__name__)

# Seconds between two periodic refreshes of the host states.
REFRESH_SPACING = 10


class SchedulerManager(service.Manager, periodic_task.PeriodicTasks):
    """Chooses and claims compute nodes for servers.

    :param host: this worker's host name (default ``[DEFAULT] host``).
    :param conf: the configuration.
    :raises SchedulerHostFilterNotFound: ``[scheduler] enabled_filters``
        names an unknown filter.
    :raises SchedulerWeigherNotFound: ``[scheduler] weighers`` names an
        unknown weigher.
    """

    target = messaging.Target(version='1.3')

    def __init__(self, host=None, conf=CONF):
        super().__init__(conf)
        self.host = host or conf.host
        self.conf = conf
        self.driver = selection.FilterScheduler(conf)

    def init_host(self, context):
        """Load the host states before the first request arrives."""
        try:
            self.driver.host_manager.refresh(full=True)
        except Exception:
            # The first request loads them again; a scheduler that cannot
            # reach the database yet should still start.
            LOG.exception('Could not load host states at start')

    @periodic_task.periodic_task(spacing=REFRESH_SPACING, run_immediately=True)
    def _refresh_host_states(self, context):
        # Takes the full reload (due every host_state_refresh_interval) and
        # the catching up of changes off the request path, most of the time.
        self.driver.host_manager.refresh()

    @messaging.expected_exceptions(exception.NoValidHost)
    def select_destinations(self, context, request_spec, instance_uuids=None,
                            return_alternates=True):
        """See :meth:`novalite.scheduler.rpcapi.SchedulerAPI.select_destinations`.

        A caller that sent a RequestSpec (1.1) takes Selections; an older
        one sent a dict and takes dicts.
        """
        host_lists = self.driver.select_destinations(context, request_spec, instance_uuids,
                                                     return_alternates)
        if not isinstance(request_spec, objects.RequestSpec):
            return host_lists
        return [[objects.Selection.from_dict(selection) for selection in hosts]
                for hosts in host_lists]
