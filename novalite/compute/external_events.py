"""External events (``/os-server-external-events``): from the API to the servers' hosts.

The API has judged each event; here the accepted ones are grouped by the
host of their server and cast to it in one message per host, as Nova's
``compute_api.external_instance_event`` does. A ``volume-extended`` event
records an ``extend_volume`` action on its server first, so the user sees
the growth (and a failure of it) in the server's actions.
"""

import collections

from novalite.compute import actions
from novalite.compute import rpcapi as compute_rpcapi

_ACTION_OF = {'volume-extended': 'extend_volume'}


def send(context, accepted, rpcapi=None):
    """Cast ``accepted`` (``[(instance, event)]``) to the hosts of their servers.

    ``event`` is ``{'name', 'status', 'tag', 'instance_uuid'}``.
    """
    rpcapi = rpcapi or compute_rpcapi.ComputeAPI()
    by_host = collections.defaultdict(lambda: ({}, []))
    for instance, event in accepted:
        servers, events = by_host[instance['host']]
        servers[instance['uuid']] = instance
        events.append(event)
        if event['name'] in _ACTION_OF:
            actions.record(context, instance, _ACTION_OF[event['name']])
    for host, (servers, events) in by_host.items():
        rpcapi.external_instance_event(context, host, list(servers.values()), events)
