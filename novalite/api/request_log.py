"""The API's access log: one INFO line per request, whatever its status.

A paste filter above the fault wrapper, so it sees the response a client
gets, 4xx and 5xx included, in the shape of Nova's ``requestlog``:
``192.0.2.1 "GET /v2.1/servers" status: 200 len: 15 microversion: 2.1 time: 0.0123``.
"""

import time
import urllib.parse

from oslo_log import log as logging

from novalite.api import microversion

LOG = logging.getLogger(__name__)


def _uri(environ):
    # Raw bytes, quoted back: the URL may be what the guard refuses to decode.
    path = environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')
    uri = urllib.parse.quote(path.encode('latin-1', 'replace'), safe="/;:@&=+$,-_.!~*'()")
    query = environ.get('QUERY_STRING')
    return f'{uri}?{query}' if query else uri


class RequestLog:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        started = time.monotonic()
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen['status'] = status.split(' ', 1)[0]
            seen['length'] = next((value for name, value in headers
                                   if name.lower() == 'content-length'), '-')
            return start_response(status, headers, exc_info)

        body = self.application(environ, recording_start_response)
        LOG.info('%s "%s %s" status: %s len: %s microversion: %s time: %.6f',
                 environ.get('REMOTE_ADDR', '-'), environ.get('REQUEST_METHOD'),
                 _uri(environ), seen.get('status', '-'), seen.get('length', '-'),
                 environ.get(microversion.ENVIRON_KEY, '-'), time.monotonic() - started)
        return body

    @classmethod
    def factory(cls, global_conf, **local_conf):
        return cls
