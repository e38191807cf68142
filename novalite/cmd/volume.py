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


class VolumeAPIService(oslo_service.ServiceBase):
    """The Block Storage API's WSGI server as an oslo.service service.

    :param advertise: point this process's ``[cinder] endpoint_template`` at the
        port actually bound (the all-in-one, whose port may be 0: any free one).
    """

    def __init__(self, advertise=False):
        from novalite.api import app, wsgi_server
        self.advertise = advertise
        self.server = wsgi_server.WSGIServer(app.load_app(name='osapi_volume'),
                                             CONF.volume.listen, CONF.volume.port,
                                             CONF.api.wsgi_pool_size)

    def start(self):
        self.server.start()
        if self.advertise:
            CONF.set_override('endpoint_template',
                              f'http://127.0.0.1:{self.server.port}/v3/%(project_id)s',
                              group='cinder')

    def stop(self):
        self.server.stop()

    def wait(self):
        self.server.wait()

    def reset(self):
        pass


def build_services(advertise=False):
    """The RPC service, then the API that casts to it."""
    from novalite import service, servicegroup
    from novalite.volume import manager

    return [service.Service(CONF.host, 'novalite-volume', 'volume',
                            manager.VolumeManager(CONF.host), servicegroup.DBServiceGroup()),
            VolumeAPIService(advertise)]


def main():
    config.parse_args(sys.argv[1:])
    launcher = oslo_service.ServiceLauncher(CONF, restart_method='mutate')
    for server in build_services():
        launcher.launch_service(server)
    launcher.wait()
