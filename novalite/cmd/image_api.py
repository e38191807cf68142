"""novalite-image-api: the Image API v2 over the image store, on eventlet's WSGI server."""

import sys

from oslo_service import service as oslo_service

from novalite import config
from novalite.conf import CONF


def main():
    config.parse_args(sys.argv[1:])
    from novalite.api import wsgi_server
    service = wsgi_server.WSGIService('image_api', CONF.image.listen, CONF.image.port)
    launcher = oslo_service.launch(CONF, service, restart_method='mutate')
    launcher.wait()
