"""Compute API microversions: parsing, negotiation and response headers.

A client asks for a version with ``OpenStack-API-Version: compute 2.x``
(from 2.27 on the documented form) or the legacy
``X-OpenStack-Nova-API-Version: 2.x``; Nova honours both at every version,
and so do we. No header means the minimum, ``latest`` the maximum. Handlers
ask :func:`is_supported` whether the request's version has a behaviour.
"""

import collections
import functools
import re

from novalite import exception

HEADER = 'OpenStack-API-Version'
LEGACY_HEADER = 'X-OpenStack-Nova-API-Version'
SERVICE_TYPE = 'compute'
ENVIRON_KEY = 'novalite.api_version'

_VERSION_RE = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


class APIVersion(collections.namedtuple('APIVersion', 'major minor')):
    """A microversion; tuples order them."""

    @classmethod
    def parse(cls, text):
        """:raises InvalidAPIVersionString: ``text`` is not ``major.minor``."""
        match = _VERSION_RE.match(text.strip())
        if match is None:
            raise exception.InvalidAPIVersionString(version=text)
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self):
        return f'{self.major}.{self.minor}'


MIN_VERSION = APIVersion(2, 1)
MAX_VERSION = APIVersion(2, 96)
# The /v2 endpoint speaks 2.0: v2.1 behaviour without microversions.
LEGACY_V2_VERSION = APIVersion(2, 0)


def _requested(headers, service_type, legacy_header):
    """The version string the headers ask of ``service_type``, or None."""
    for item in (headers.get(HEADER) or '').split(','):
        service, _sep, version = item.strip().partition(' ')
        if service.lower() == service_type and version.strip():
            return version.strip()
    legacy = headers.get(legacy_header) if legacy_header else None
    return legacy.strip() if legacy else None


def negotiate(headers):
    """The compute version a request gets.

    :raises InvalidAPIVersionString: malformed version (400).
    :raises VersionNotAcceptable: outside ``MIN_VERSION``..``MAX_VERSION`` (406).
    """
    return negotiate_within(headers, SERVICE_TYPE, MIN_VERSION, MAX_VERSION, LEGACY_HEADER)


def negotiate_within(headers, service_type, min_version, max_version, legacy_header=None):
    """The version of ``service_type`` a request gets: none asked is the minimum."""
    text = _requested(headers, service_type, legacy_header)
    if text is None:
        return min_version
    if text.lower() == 'latest':
        return max_version
    version = APIVersion.parse(text)
    if not min_version <= version <= max_version:
        raise exception.VersionNotAcceptable(version=text, min=min_version, max=max_version)
    return version


def request_version(req):
    return req.environ.get(ENVIRON_KEY, MIN_VERSION)


def in_range(version, min_version, max_version=None):
    """True if ``version`` (an APIVersion) lies in ``min_version``..``max_version``."""
    if version < APIVersion.parse(min_version):
        return False
    return max_version is None or version <= APIVersion.parse(max_version)


def is_supported(req, min_version, max_version=None):
    """True if the request's version lies in ``min_version``..``max_version``."""
    return in_range(request_version(req), min_version, max_version)


def version_headers(version):
    """Response headers that say which version answered, or none for /v2."""
    if version == LEGACY_V2_VERSION:
        return []
    return [(HEADER, f'{SERVICE_TYPE} {version}'),
            (LEGACY_HEADER, str(version)),
            ('Vary', f'{HEADER}, {LEGACY_HEADER}')]


def supported(min_version=None, max_version=None):
    """Decorator: the resource exists only for versions in the range (404 outside)."""
    def decorator(handler):
        @functools.wraps(handler)
        def wrapper(req, *args, **kwargs):
            if not is_supported(req, min_version or str(LEGACY_V2_VERSION), max_version):
                raise exception.NotFound("The resource could not be found.")
            return handler(req, *args, **kwargs)
        # What the OpenAPI description reads to leave the resource out.
        wrapper._versions = (min_version, max_version)
        return wrapper
    return decorator
