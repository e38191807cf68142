"""novalite-metadata: the metadata API instances read (Nova's ``nova-api-metadata``).

``[api] metadata_workers`` processes (default: one per CPU) serve one
socket on ``[api] metadata_listen``:``metadata_listen_port`` (8775), where
Neutron's metadata proxies forward the instances' requests.
"""

from novalite.cmd import common
from novalite.conf import CONF


def metadata_service():
    """The metadata API as an oslo.service service."""
    from novalite.api import wsgi_server
    return wsgi_server.WSGIService('metadata', CONF.api.metadata_listen,
                                   CONF.api.metadata_listen_port)


def main():
    common.run_wsgi(metadata_service, 'metadata_workers')
