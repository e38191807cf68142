"""Client side of the scheduler's RPC interface.

The conductor calls :meth:`SchedulerAPI.select_destinations` on the shared
``scheduler`` topic; any scheduler worker answers, and several may run at once.

Version history:

* 1.0 - Initial version: select_destinations.
* 1.1 - select_destinations takes a RequestSpec and answers Selections.
* 1.2 - RequestSpec 1.1: the server group (and personality files).
* 1.3 - RequestSpec 1.2 (requested_host, for moves to a named host).
"""

from novalite import objects, rpc
from novalite.conf import CONF

TOPIC = 'scheduler'

# The object versions each RPC version's readers know (see rpc.get_client).
OBJECT_HISTORY = {
    '1.1': {'RequestSpec': '1.0', 'Flavor': '1.0'},
    '1.2': {'RequestSpec': '1.1', 'Flavor': '1.0'},
    '1.3': {'RequestSpec': '1.2', 'Flavor': '1.0'},
}


class SchedulerAPI:
    VERSION = '1.3'

    def __init__(self):
        self.client = rpc.get_client(TOPIC, '1.0', version_cap=CONF.upgrade_levels.scheduler,
                                     object_history=OBJECT_HISTORY)

    def select_destinations(self, context, request_spec, instance_uuids,
                            return_alternates=True):
        """Claim a compute node for each server; a call.

        :param request_spec: the RequestSpec (or its dict; see
            :mod:`novalite.scheduler.request_spec`).
        :param instance_uuids: the servers to place, in order; each becomes
            the consumer of its claim.
        :param return_alternates: also return up to ``[scheduler]
            max_attempts - 1`` unclaimed alternates per server.
        :returns: one list per server of Selections: the claimed one
            first, then the alternates. A 1.0 scheduler answers dicts of the
            same fields; they are made Selections here.
        :raises NoValidHost: a server found no host; the scheduler released
            every claim it made for the request.
        :raises oslo_messaging.MessagingTimeout: no scheduler answered within
            ``[DEFAULT] rpc_response_timeout``.
        """
        objects_version = rpc.newest_sendable(self.client, ('1.3', '1.2', '1.1'))
        if objects_version:
            # At 1.1 the serializer backports the spec to RequestSpec 1.0.
            cctxt = self.client.prepare(version=objects_version)
            request_spec = objects.RequestSpec.coerce(request_spec)
        else:
            cctxt = self.client.prepare(version='1.0')
            request_spec = objects.base.to_legacy(request_spec)
        host_lists = cctxt.call(context, 'select_destinations', request_spec=request_spec,
                                instance_uuids=instance_uuids,
                                return_alternates=return_alternates)
        return [[objects.Selection.coerce(selection) for selection in hosts]
                for hosts in host_lists]
