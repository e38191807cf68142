"""Block Storage API microversions: ``OpenStack-API-Version: volume 3.x``.

No header means 3.0, ``latest`` the maximum; handlers of newer resources
are wrapped in :func:`require_version`.
"""

from novalite import exception
from novalite.api import microversion as api_microversion
from novalite.api.microversion import APIVersion

SERVICE_TYPE = 'volume'
HEADER = 'OpenStack-API-Version'
ENVIRON_KEY = 'novalite.volume_api_version'
MIN_VERSION = APIVersion(3, 0)
# 3.68: os-reimage, which Nova's rebuild of a volume-backed server needs (2.93);
# every step from 3.45 is honoured for the routes served (tests/functional/volume/
# test_microversions.py walks them).
MAX_VERSION = APIVersion(3, 68)


def negotiate(headers):
    """The version a request gets. :raises VersionNotAcceptable: out of range (406)."""
    return api_microversion.negotiate_within(headers, SERVICE_TYPE, MIN_VERSION, MAX_VERSION)


def is_supported(req, min_version):
    """True if the request's version is ``min_version`` or later."""
    return req.environ[ENVIRON_KEY] >= APIVersion.parse(min_version)


def require_version(min_version):
    """Decorator: the resource exists from ``min_version`` on (404 before)."""
    def decorator(handler):
        def wrapper(req, *args, **kwargs):
            if req.environ[ENVIRON_KEY] < APIVersion.parse(min_version):
                raise exception.NotFound("The resource could not be found.")
            return handler(req, *args, **kwargs)
        wrapper.__name__ = handler.__name__
        return wrapper
    return decorator
