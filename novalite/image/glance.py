"""An Image API v2 client: novalite's image API or a real Glance, same methods as the store.

It answers with the store's record shape (:func:`novalite.image.fields.from_wire`),
so the compute API and the libvirt image cache do not know which one they
use. A call given a request context acts with the caller's token (a user
boots only images it may see); one without (a compute host fetching a base
image) acts with the ``[glance]`` service credentials. Endpoints are
``[glance] api_servers``, tried in turn, or the catalog's ``image`` endpoint.
Downloads are checked against the image's size, md5 and ``os_hash_value``
before the caller sees them.
"""

import itertools

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import loading as ks_loading
from oslo_log import log as logging

from novalite import exception
from novalite.conf import glance as glance_conf
from novalite.image import fields

LOG = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
_ERRORS = {400: exception.Invalid, 403: exception.Forbidden, 409: exception.Conflict,
           413: exception.ImageTooLarge}


class GlanceImageService:
    """Image records and data through the Image API v2."""

    def __init__(self, conf):
        self.conf = conf
        glance_conf.register_auth_opts(conf)
        group = conf.glance
        self._auth = ks_loading.load_auth_from_conf_options(conf, 'glance') \
            if group.auth_type else None
        self._session = ks_loading.load_session_from_conf_options(conf, 'glance',
                                                                  auth=self._auth)
        self._servers = itertools.cycle([_base(url) for url in group.api_servers] or [None])

    def _endpoint(self, server):
        if server is not None:
            return server
        adapter = ks_loading.load_adapter_from_conf_options(
            self.conf, 'glance', session=self._session, auth=self._auth)
        return _base(adapter.get_endpoint())

    def _request(self, method, path, context=None, **kwargs):
        """The response of the first endpoint that answers below 500.

        :raises ImageServiceUnavailable: none did within ``num_retries``.
        """
        headers = dict(kwargs.pop('headers', {}))
        token = getattr(context, 'auth_token', None)
        if token:
            headers['X-Auth-Token'] = token
        url, reason = None, 'no endpoint'
        for _attempt in range(self.conf.glance.num_retries + 1):
            try:
                url = self._endpoint(next(self._servers)) + path
                resp = self._session.request(url, method, headers=headers, raise_exc=False,
                                             authenticated=None if not token else False,
                                             **kwargs)
            except (ks_exceptions.ConnectionError, ks_exceptions.EndpointNotFound,
                    ks_exceptions.DiscoveryFailure) as exc:
                reason = str(exc)
                LOG.warning("Image API %s %s failed: %s", method, url, exc)
                continue
            if resp.status_code < 500:
                return resp
            reason = f'HTTP {resp.status_code}'
        raise exception.ImageServiceUnavailable(url=url, reason=reason)

    def _json(self, method, path, context=None, image_id=None, **kwargs):
        resp = self._request(method, path, context, **kwargs)
        _raise_for(resp, image_id)
        return resp.json() if resp.content else None

    def show(self, image_id, context=None):
        """The image's record. :raises ImageNotFound:"""
        return fields.from_wire(self._json('GET', f'/v2/images/{image_id}', context,
                                           image_id=image_id))

    def list(self, context=None):
        """Every image the caller may see, oldest first (following ``next`` links)."""
        records, path = [], '/v2/images?sort=created_at:asc&limit=1000'
        while path:
            body = self._json('GET', path, context)
            records += [fields.from_wire(image) for image in body['images']]
            path = body.get('next')
        return records

    def create_record(self, values, context=None):
        """Register a ``queued`` image. :raises Invalid, Forbidden, Conflict:"""
        body = {key: value for key, value in values.items()
                if key in fields.SETTABLE + ('id',) and value is not None}
        body.update(values.get('properties') or {})
        return fields.from_wire(self._json('POST', '/v2/images', context, json=body))

    def upload(self, image_id, chunks, context=None):
        """Send the image's data; returns its (now active) record."""
        resp = self._request('PUT', f'/v2/images/{image_id}/file', context, data=chunks,
                             headers={'Content-Type': 'application/octet-stream'})
        _raise_for(resp, image_id)
        return self.show(image_id, context)

    def set_attributes(self, image_id, values, context=None):
        """Set core attributes and ``properties`` of an image with one JSON patch.

        :raises ImageNotFound, Forbidden:
        """
        values = dict(values)
        # ``add`` sets a property whether or not it exists; ``replace`` a core attribute.
        changes = [{'op': 'add', 'path': f'/{key}', 'value': value}
                   for key, value in values.pop('properties', {}).items()]
        changes += [{'op': 'replace', 'path': f'/{key}', 'value': value}
                    for key, value in values.items()]
        return fields.from_wire(self._json(
            'PATCH', f'/v2/images/{image_id}', context, image_id=image_id, json=changes,
            headers={'Content-Type': 'application/openstack-images-v2.1-json-patch'}))

    def delete(self, image_id, context=None):
        """:raises ImageNotFound, Forbidden:"""
        _raise_for(self._request('DELETE', f'/v2/images/{image_id}', context), image_id)

    def download(self, image_id, dest_path, context=None):
        """Stream the image's data to ``dest_path``, checking its hashes; returns the record.

        :raises ImageNotFound: no such image, or it has no data.
        :raises ImageUnacceptable: the data do not match the record.
        """
        record = self.show(image_id, context)
        resp = self._request('GET', f'/v2/images/{image_id}/file', context, stream=True)
        _raise_for(resp, image_id)
        if resp.status_code == 204:
            raise exception.ImageNotFound(image_id=image_id)
        with resp, open(dest_path, 'wb') as dst:
            fields.write_verified(record, resp.iter_content(_CHUNK), dst)
        return record


def _base(url):
    """An endpoint without a version suffix: paths here start with /v2."""
    url = url.rstrip('/')
    return url[:-3] if url.endswith('/v2') else url


def _raise_for(resp, image_id):
    if resp.status_code < 400:
        return
    if resp.status_code == 404 and image_id is not None:
        raise exception.ImageNotFound(image_id=image_id)
    error = _ERRORS.get(resp.status_code, exception.Invalid)
    try:
        message = resp.json().get('message') or resp.text
    except ValueError:
        message = resp.text
    raise error(message.strip() or f'Image API answered {resp.status_code}')
