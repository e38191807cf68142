"""novalite-api: the OpenStack Compute API v2.1 over eventlet's WSGI server."""

import sys

from oslo_service import service as oslo_service

from novalite import config
from novalite.conf import CONF


class APIService(oslo_service.ServiceBase):
    """The WSGI server as an oslo.service service, for signal handling and drain."""

    def __init__(self):
        from novalite.api import app, wsgi_server
        self.server = wsgi_server.WSGIServer(app.load_app(), CONF.api.listen, CONF.api.port,
                                        CONF.api.wsgi_pool_size)

    def start(self):
        self.server.start()

    def stop(self):
        self.server.stop()

    def wait(self):
        self.server.wait()

    def reset(self):
        pass


def main():
    config.parse_args(sys.argv[1:])
    launcher = oslo_service.launch(CONF, APIService(), restart_method='mutate')
    launcher.wait()
