"""What the router may assume of a request: a UTF-8 URL, a JSON body of bounded size.

A paste filter below the fault wrapper, so that what it refuses gets Nova's
fault body: an undecodable path or query string, or one holding a NUL
character, is a 400 (they would otherwise fail deep inside WebOb or the
database); a body of another media type than JSON is a 415, as Nova's
``Unsupported Content-Type``; a body larger than ``[api]
max_request_body_size`` is a 413, announced or streamed.
"""

import urllib.parse

import webob.exc
from oslo_middleware import sizelimit

from novalite import exception
from novalite.conf import CONF

# Nova's media types. text/plain is the default type some HTTP clients
# stamp on any body, so Nova reads it as JSON too; so do we.
_JSON_TYPES = ('application/json', 'application/vnd.openstack.compute+json')
_UNTYPED = ('', 'text/plain')


def _check_text(text, what):
    if '\x00' in text:
        raise exception.Invalid(f"The request {what} contains a NUL character")


def _decode(raw, what):
    try:
        return raw.decode('utf-8')
    except UnicodeDecodeError:
        raise exception.Invalid(f"The request {what} is not valid UTF-8") from None


def check_url(environ):
    """:raises Invalid: the path or the query string is not NUL-free UTF-8 text."""
    # PEP 3333: PATH_INFO and QUERY_STRING hold the request's raw bytes as latin-1.
    path = _decode(environ.get('PATH_INFO', '').encode('latin-1', 'replace'), 'path')
    _check_text(path, 'path')
    query = _decode(environ.get('QUERY_STRING', '').encode('latin-1', 'replace'),
                    'query string')
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, errors='strict')
    except UnicodeDecodeError:
        raise exception.Invalid("The request query string is not valid UTF-8") from None
    for key, value in pairs:
        _check_text(key + value, 'query string')


def check_content_type(environ):
    """:raises HTTPUnsupportedMediaType: a Content-Type that is not JSON's (Nova's 415)."""
    media_type = environ.get('CONTENT_TYPE', '').split(';')[0].strip().lower()
    if media_type not in _UNTYPED and media_type not in _JSON_TYPES:
        raise webob.exc.HTTPUnsupportedMediaType(explanation="Unsupported Content-Type")


def limit_body(environ, limit):
    """:raises HTTPRequestEntityTooLarge: the announced body is larger than ``limit``."""
    length = environ.get('CONTENT_LENGTH')
    if length:
        try:
            announced = int(length)
        except ValueError:
            raise exception.Invalid("Content-Length is not an integer") from None
        if announced > limit:
            raise webob.exc.HTTPRequestEntityTooLarge(
                explanation=f"Request is too large. Larger than {limit} bytes.")
    elif 'wsgi.input' in environ:
        # A chunked body has no length to check up front: stop reading it
        # once it passes the limit (oslo.middleware's reader raises the 413).
        environ['wsgi.input'] = sizelimit.LimitingReader(environ['wsgi.input'], limit)


class RequestGuard:
    """Paste filter: refuse what no handler can serve before any handler runs."""

    def __init__(self, application, conf=CONF):
        self.application = application
        self.conf = conf

    def __call__(self, environ, start_response):
        check_url(environ)
        check_content_type(environ)
        limit_body(environ, self.conf.api.max_request_body_size)
        return self.application(environ, start_response)

    @classmethod
    def factory(cls, global_conf, **local_conf):
        return cls
