"""novalite-image-api: the Image API v2 over the image store, on eventlet's WSGI server."""

import sys

from oslo_service import service as oslo_service

from novalite import config
from novalite.conf import CONF


class ImageAPIService(oslo_service.ServiceBase):
    """The image API's WSGI server as an oslo.service service."""

    def __init__(self):
        from novalite.api import app, wsgi_server
        self.server = wsgi_server.WSGIServer(app.load_app(name='image_api'), CONF.image.listen,
                                             CONF.image.port, CONF.api.wsgi_pool_size)

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
    launcher = oslo_service.launch(CONF, ImageAPIService(), restart_method='mutate')
    launcher.wait()
