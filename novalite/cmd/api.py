"""novalite-api: the OpenStack Compute API v2.1 over eventlet's WSGI server.

``[api] workers`` processes (default: one per CPU) serve one listening
socket, bound before oslo.service's launcher forks them, so a request that
keeps one process busy does not queue the others behind it.
"""

import os
import sys

from oslo_service import service as oslo_service

from novalite import config, preflight
from novalite.conf import CONF


class APIService(oslo_service.ServiceBase):
    """The WSGI server as an oslo.service service, for signal handling and drain."""

    def __init__(self):
        from novalite.api import app, wsgi_server
        self.server = wsgi_server.WSGIServer(app.load_app(), CONF.api.listen, CONF.api.port,
                                             CONF.api.wsgi_pool_size)
        self.server.bind()

    def start(self):
        self.server.start()

    def stop(self):
        self.server.stop()

    def wait(self):
        self.server.wait()

    def reset(self):
        pass


@preflight.operator_errors
def main():
    config.parse_args(sys.argv[1:])
    workers = CONF.api.workers or os.cpu_count() or 1
    launcher = oslo_service.launch(CONF, APIService(), workers=workers,
                                   restart_method='mutate')
    launcher.wait()
