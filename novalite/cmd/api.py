"""novalite-api: the OpenStack Compute API v2.1 over eventlet's WSGI server.

``[api] workers`` processes (default: one per CPU) serve one port, reserved
before oslo.service's launcher forks them; each listens on it with
``SO_REUSEPORT``, so the kernel spreads connections across them and a burst
is not served by whichever process woke first.
"""

from novalite.cmd import common
from novalite.conf import CONF


def api_service():
    """The compute API as an oslo.service service."""
    from novalite.api import wsgi_server
    return wsgi_server.WSGIService('osapi_compute', CONF.api.listen, CONF.api.port)


def main():
    common.run_wsgi(api_service, 'workers')
