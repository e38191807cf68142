"""Client side of the scheduler's RPC interface.

The conductor calls :meth:`SchedulerAPI.select_destinations` on the shared
``scheduler`` topic; any scheduler worker answers, and several may run at once.

Version history:

* 1.0 - Initial version: select_destinations.
"""

from novalite import rpc
from novalite.conf import CONF

TOPIC = 'scheduler'


class SchedulerAPI:
    VERSION = '1.0'

    def __init__(self):
        self.client = rpc.get_client(TOPIC, self.VERSION,
                                     version_cap=CONF.upgrade_levels.scheduler)

    def select_destinations(self, context, request_spec, instance_uuids,
                            return_alternates=True):
        """Claim a compute node for each server; a call.

        :param request_spec: the request spec dict (see
            :mod:`novalite.scheduler.request_spec`).
        :param instance_uuids: the servers to place, in order; each becomes
            the consumer of its claim.
        :param return_alternates: also return up to ``[scheduler]
            max_attempts - 1`` unclaimed alternates per server.
        :returns: one list per server of selection dicts (``host``,
            ``nodename``, ``compute_node_id``, ``availability_zone``,
            ``resources``, ``claimed``): the claimed one first, then the
            alternates.
        :raises NoValidHost: a server found no host; the scheduler released
            every claim it made for the request.
        :raises oslo_messaging.MessagingTimeout: no scheduler answered within
            ``[DEFAULT] rpc_response_timeout``.
        """
        cctxt = self.client.prepare(version='1.0')
        return cctxt.call(context, 'select_destinations', request_spec=request_spec,
                          instance_uuids=instance_uuids, return_alternates=return_alternates)
