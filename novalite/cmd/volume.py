"""novalite-volume: the storage host's volume service and its Block Storage API v3.

One process runs both: the RPC service that owns this host's iSCSI targets
(``volume.<host>``) and the Block Storage API (``[volume] listen``/``port``)
clients and compute hosts talk to. It reads and writes the volume tables
directly, as Cinder does.
"""

import sys

from oslo_service import service as oslo_service

from novalite import config
from novalite.conf import CONF


def _advertise(port):
    """Point this process's ``[cinder] endpoint_template`` at the port actually bound."""
    CONF.set_override('endpoint_template', f'http://127.0.0.1:{port}/v3/%(project_id)s',
                      group='cinder')


def build_services(advertise=False):
    """The RPC service, then the API that casts to it.

    :param advertise: point ``[cinder] endpoint_template`` at the API's port
        (the all-in-one, whose port may be 0: any free one).
    """
    from novalite import service, servicegroup
    from novalite.api import wsgi_server
    from novalite.volume import manager

    api = wsgi_server.WSGIService('osapi_volume', CONF.volume.listen, CONF.volume.port)
    if advertise:
        _advertise(api.server.port)
    return [service.Service(CONF.host, 'novalite-volume', 'volume',
                            manager.VolumeManager(CONF.host), servicegroup.DBServiceGroup()),
            api]


def main():
    config.parse_args(sys.argv[1:])
    launcher = oslo_service.ServiceLauncher(CONF, restart_method='mutate')
    for server in build_services():
        launcher.launch_service(server)
    launcher.wait()
