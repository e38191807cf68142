"""The fault wrapper: every exception becomes Nova's fault body.

``{"itemNotFound": {"code": 404, "message": "..."}}`` and its siblings,
named by status code as Nova names them. Domain exceptions carry their code
and a message written for the user; anything else is a 500 whose message
names only the exception's class, while the traceback goes to the log.
"""

import json

import webob
import webob.exc
from oslo_log import log as logging

from novalite import exception
from novalite.api import microversion

LOG = logging.getLogger(__name__)

_FAULT_NAMES = {
    400: 'badRequest',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'itemNotFound',
    405: 'badMethod',
    409: 'conflictingRequest',
    413: 'overLimit',
    415: 'badMediaType',
    429: 'overLimit',
    501: 'notImplemented',
    503: 'serviceUnavailable',
}

_UNEXPECTED = ("Unexpected API Error. Please report this to the cloud operator and "
               "attach the novalite-api log if possible.\n%s")


def _code_and_message(exc):
    if isinstance(exc, exception.NovaliteException):
        # 501 says what is not implemented, as Nova's HTTPNotImplemented does.
        if exc.code < 500 or exc.code == 501:
            return exc.code, exc.format_message()
        LOG.error("%s failed: %s", type(exc).__name__, exc.format_message())
        return exc.code, _UNEXPECTED % type(exc)
    if isinstance(exc, webob.exc.HTTPException):
        return exc.code, exc.explanation or exc.title
    LOG.exception("Unexpected error serving an API request")
    return 500, _UNEXPECTED % type(exc)


def fault_response(exc, environ=None):
    """A JSON webob response with Nova's fault body for ``exc``."""
    code, message = _code_and_message(exc)
    name = _FAULT_NAMES.get(code, 'computeFault')
    response = webob.Response(status=code, content_type='application/json', charset='utf-8')
    response.body = json.dumps({name: {'code': code, 'message': message}}).encode('utf-8')
    if code == 405 and isinstance(exc, webob.exc.HTTPMethodNotAllowed):
        response.headers['Allow'] = exc.headers.get('Allow', '')
    version = (environ or {}).get(microversion.ENVIRON_KEY)
    if version is not None:
        for name, value in microversion.version_headers(version):
            response.headers[name] = value
    return response


class FaultWrapper:
    """WSGI middleware turning exceptions raised below it into fault responses."""

    respond = staticmethod(fault_response)

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            return self.application(environ, start_response)
        except Exception as exc:  # noqa: BLE001 - every error must become a fault body
            return self.respond(exc, environ)(environ, start_response)

    @classmethod
    def factory(cls, global_conf, **local_conf):
        return cls
