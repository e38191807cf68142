"""HTTP client for the OpenStack Compute API v2.1, as novalite serves it.

``Client`` holds one ``requests`` session with the headers every call carries: the
token (``X-Auth-Token``; with noauth2 it is ``user:project``) and the requested
microversion (``OpenStack-API-Version: compute 2.37``). Asked for ``2.latest``
(the ``novalite`` command's default) it negotiates, as novaclient does: on its
first call it reads the server's version document and requests the newest
microversion both it and the server support (``API_MAX_VERSION`` at most).
Resources hang off it as managers, as in python-novaclient::

    client = Client('http://127.0.0.1:8774/v2.1')
    server = client.servers.create('web', image='cirros', flavor='m1.tiny')
    client.servers.list(status='ACTIVE')

Every failure surfaces as a ``ClientError``: an HTTP error with the message taken
from Nova's fault body, a name that matches no or several resources, or a
``CommunicationError`` when the endpoint cannot be reached at all.
"""

import json
import logging
import re
import urllib.parse

import orjson
import requests

from novalite.cli.exceptions import (  # noqa: F401 - re-exported for callers
    ClientError,
    CommunicationError,
    NotFound,
    NoUniqueMatch,
    fault_message,
)
from novalite.cli.managers import (
    aggregates,
    flavors,
    host_drains,
    hypervisors,
    images,
    keypairs,
    migrations,
    quotas,
    server_groups,
    server_properties,
    servers,
    services,
    versions,
    volumes,
)

LOG = logging.getLogger(__name__)

DEFAULT_URL = 'http://127.0.0.1:8774/v2.1'
DEFAULT_TOKEN = 'admin:admin'
DEFAULT_MICROVERSION = '2.37'
# The microversions this client's requests and views are written for; ``2.latest``
# asks for the newest of them the server serves.
API_MIN_VERSION = '2.1'
API_MAX_VERSION = '2.96'
LATEST = '2.latest'

_MICROVERSION_RE = re.compile(r'^(\d+)\.(\d+)$')


def parse_microversion(text):
    """Return ``(major, minor)`` for a microversion such as ``'2.37'``.

    :raises ValueError: if ``text`` is not ``MAJOR.MINOR``.
    """
    match = _MICROVERSION_RE.match(str(text).strip())
    if not match:
        raise ValueError(f"invalid microversion '{text}': expected MAJOR.MINOR, e.g. 2.37")
    return int(match.group(1)), int(match.group(2))


def is_latest(text):
    """True for ``2.latest`` (or ``latest``): negotiate with the server."""
    return str(text).strip().lower() in (LATEST, 'latest')


def negotiate(versions, client_min=API_MIN_VERSION, client_max=API_MAX_VERSION):
    """The newest microversion both sides support, from the server's version list.

    ``versions`` is the ``versions`` list of the document at the API's root;
    the ``v2.1`` entry gives the server's range (``min_version`` to ``version``).

    :raises ValueError: the document offers no v2.1 microversions, or its
        range and the client's do not overlap.
    """
    current = next((v for v in versions if v.get('id') == 'v2.1' and v.get('version')), None)
    if current is None:
        raise ValueError('the server offers no v2.1 microversions')
    server_min = parse_microversion(current.get('min_version') or API_MIN_VERSION)
    server_max = parse_microversion(current['version'])
    chosen = min(server_max, parse_microversion(client_max))
    if chosen < max(server_min, parse_microversion(client_min)):
        raise ValueError(f"the server's microversions {'%d.%d' % server_min} to "
                         f"{'%d.%d' % server_max} and this client's {client_min} to "
                         f"{client_max} do not overlap")
    return '%d.%d' % chosen


def _connection_reason(exc):
    """The innermost, human part of a ``requests`` connection error."""
    text = str(exc)
    errno = re.search(r'\[Errno -?\d+\] ([^\'")]+)', text)
    if errno:
        return errno.group(1).strip().lower()
    if 'Name or service not known' in text or 'getaddrinfo failed' in text:
        return 'unknown host name'
    return ' '.join(text.split())


def _volume_url(endpoint, token):
    """Where novalite-volume listens beside a compute endpoint: its host, port 8776."""
    parts = urllib.parse.urlsplit(endpoint)
    project = token.partition(':')[2] or token.partition(':')[0]
    return f'{parts.scheme}://{parts.hostname}:8776/v3/{project}'


class Client:
    """A session with one Compute API endpoint.

    :param endpoint: the versioned API URL, e.g. ``http://127.0.0.1:8774/v2.1``.
    :param token: sent as ``X-Auth-Token``; novalite's noauth2 mode takes
        ``user:project`` (``admin:admin`` is an admin of project ``admin``).
    :param microversion: the compute microversion requested on every call;
        ``2.latest``: the newest both this client (``API_MAX_VERSION``) and
        the server support, read from the server's version document on the
        first call.
    :param timeout: seconds to wait for each HTTP response.
    :param volume_endpoint: the Block Storage API v3 URL with the project; by
        default port 8776 of the compute endpoint's host, ``/v3/<token's project>``.
    :raises ValueError: if ``microversion`` is neither ``MAJOR.MINOR`` nor ``2.latest``.
    """

    def __init__(self, endpoint=DEFAULT_URL, token=DEFAULT_TOKEN,
                 microversion=DEFAULT_MICROVERSION, timeout=30, volume_endpoint=None):
        self.endpoint = endpoint.rstrip('/')
        self.volume_endpoint = (volume_endpoint or _volume_url(self.endpoint, token)).rstrip('/')
        self.token = token
        self._api_version = None if is_latest(microversion) else parse_microversion(
            microversion)
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({
            'Accept': 'application/json',
            'User-Agent': 'novalite-client',
            'X-Auth-Token': token,
        })
        self.servers = servers.ServerManager(self)
        self.flavors = flavors.FlavorManager(self)
        self.services = services.ServiceManager(self)
        self.hypervisors = hypervisors.HypervisorManager(self)
        self.images = images.ImageManager(self)
        self.versions = versions.VersionManager(self)
        self.keypairs = keypairs.KeypairManager(self)
        self.quotas = quotas.QuotaManager(self)
        self.limits = quotas.LimitManager(self)
        self.usage = quotas.UsageManager(self)
        self.volumes = volumes.VolumeManager(self)
        self.migrations = migrations.MigrationManager(self)
        self.host_drains = host_drains.HostDrainManager(self)
        self.server_groups = server_groups.ServerGroupManager(self)
        self.server_properties = server_properties.ServerPropertyManager(self)
        self.aggregates = aggregates.AggregateManager(self)
        self.availability_zones = aggregates.AvailabilityZoneManager(self)

    @property
    def api_version(self):
        """``(major, minor)`` of the microversion requested, negotiated on first use.

        :raises ClientError: ``2.latest`` was asked and the server's version
            document cannot be read or shares no microversion with this client.
        """
        if self._api_version is None:
            self._api_version = parse_microversion(self._negotiate())
        return self._api_version

    @property
    def microversion(self):
        return '%d.%d' % self.api_version

    def _negotiate(self):
        url = self.root_url + '/'
        try:
            answer = self.request('GET', '', url=url, microversion=API_MIN_VERSION)
            chosen = negotiate(answer['versions'])
        except (ValueError, TypeError, KeyError) as exc:
            raise ClientError(None, f'cannot settle a microversion with {url} ({exc}); '
                                    'name one with --os-compute-api-version') from None
        except NotFound:
            raise ClientError(404, f'no version document at {url}; name a microversion '
                                   'with --os-compute-api-version') from None
        LOG.debug('Negotiated compute microversion %s', chosen)
        return chosen

    def supports(self, version):
        """True if the requested microversion is at least ``version``."""
        return self.api_version >= parse_microversion(version)

    def capped(self, version):
        """The requested microversion, or ``version`` if that is older: for a route
        or a behaviour the API dropped after ``version``."""
        return '%d.%d' % min(self.api_version, parse_microversion(version))

    @property
    def root_url(self):
        """The endpoint without its version path: where the version list lives."""
        return re.sub(r'/v2(\.\d+)?(/[^/]*)?$', '', self.endpoint) or self.endpoint

    def request(self, method, path, body=None, params=None, microversion=None, url=None,
                response_headers=None):
        """Send one API call and return its decoded JSON body (None when empty).

        :param path: appended to the endpoint, e.g. ``/servers/detail``.
        :param body: a JSON-serialisable request body.
        :param params: query parameters, a dict or a list of pairs.
        :param microversion: overrides the client's microversion for this call.
        :param url: an absolute URL to use instead of endpoint + path.
        :param response_headers: a dict to fill with the response's headers.
        :raises NotFound: on HTTP 404.
        :raises ClientError: on any other HTTP status of 400 or more, or a
            successful response whose body is not JSON.
        :raises CommunicationError: if the endpoint cannot be reached in time.
        """
        version = microversion or self.microversion
        headers = {
            'OpenStack-API-Version': f'compute {version}',
            'X-OpenStack-Nova-API-Version': version,
        }
        data = None
        if body is not None:
            headers['Content-Type'] = 'application/json'
            data = json.dumps(body)
        target = url or self.endpoint + path
        LOG.debug('REQ: %s %s params=%s version=%s body=%s', method, target, params,
                  version, data)
        try:
            resp = self.session.request(method, target, data=data, params=params,
                                        headers=headers, timeout=self.timeout)
        except requests.Timeout:
            raise CommunicationError(
                self.endpoint, f'no response within {self.timeout} seconds') from None
        except requests.ConnectionError as exc:
            raise CommunicationError(self.endpoint, _connection_reason(exc)) from None
        except requests.RequestException as exc:
            raise CommunicationError(self.endpoint, ' '.join(str(exc).split())) from None
        if LOG.isEnabledFor(logging.DEBUG):
            # Guarded: decoding a whole listing's body to text only to log it costs
            # as much as parsing it.
            LOG.debug('RESP: %s %s', resp.status_code, resp.text[:4000])
        if response_headers is not None:
            response_headers.update(resp.headers)
        return self._decode(resp, method, target)

    def _decode(self, resp, method, target):
        request_id = resp.headers.get('x-openstack-request-id')
        try:
            decoded = orjson.loads(resp.content) if resp.content else None
        except orjson.JSONDecodeError:
            decoded = resp.text
        if resp.status_code >= 400:
            message = fault_message(decoded, resp.reason or 'request failed')
            error = NotFound if resp.status_code == 404 else ClientError
            raise error(resp.status_code, message, request_id)
        if isinstance(decoded, str):
            raise ClientError(resp.status_code,
                              f'{method} {target} returned a response that is not JSON',
                              request_id)
        return decoded

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request('POST', path, body=body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request('PUT', path, body=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)
