"""Which instance a metadata request comes from.

Behind Neutron's metadata proxy, as Nova's ``service_metadata_proxy``
expects, a request names its instance in ``X-Instance-ID`` and the
instance's project in ``X-Tenant-ID``, and signs the instance id:
``X-Instance-ID-Signature`` is HMAC-SHA256 of it under ``[neutron]
metadata_proxy_shared_secret``. Nova's codes: a header missing is a 400, a
signature that does not match a 403, an instance that does not exist (or is
not the named project's) a 404. With ``[api] metadata_by_remote_address``, a
request without ``X-Instance-ID`` comes from the instance holding the fixed
IP it was sent from (``X-Forwarded-For``'s first address when a proxy set
it, else the peer's).
"""

import hashlib
import hmac

import webob.exc
from oslo_log import log as logging

from novalite import exception
from novalite.conf import CONF
from novalite.db import instances, networks

LOG = logging.getLogger(__name__)

_SIGNED_HEADERS = ('X-Instance-ID', 'X-Instance-ID-Signature', 'X-Tenant-ID')


def signature(instance_id, secret):
    """The ``X-Instance-ID-Signature`` of ``instance_id`` under ``secret`` (hex)."""
    return hmac.new(secret.encode(), instance_id.encode(), hashlib.sha256).hexdigest()


def instance_of(req):
    """The instance dict of the instance ``req`` comes from.

    :raises webob.exc.HTTPBadRequest: a header the proxy sends is missing.
    :raises webob.exc.HTTPForbidden: the signature does not match.
    :raises webob.exc.HTTPNotFound: no such instance.
    """
    if 'X-Instance-ID' not in req.headers and CONF.api.metadata_by_remote_address:
        return _by_remote_address(req)
    return _by_signed_headers(req.headers)


def _by_signed_headers(headers):
    for name in _SIGNED_HEADERS:
        if name not in headers:
            raise webob.exc.HTTPBadRequest(explanation=f"{name} header is missing from request.")
    instance_id = headers['X-Instance-ID']
    expected = signature(instance_id, CONF.neutron.metadata_proxy_shared_secret)
    # WSGI header values are latin-1 strings: as bytes, any of them compares.
    if not hmac.compare_digest(expected.encode(),
                               headers['X-Instance-ID-Signature'].encode('latin-1')):
        LOG.warning("X-Instance-ID-Signature does not match for instance %s", instance_id)
        raise webob.exc.HTTPForbidden(explanation="Invalid proxy request signature.")
    instance = _instance(instance_id)
    if instance['project_id'] != headers['X-Tenant-ID']:
        LOG.warning("X-Tenant-ID %s is not the project of instance %s",
                    headers['X-Tenant-ID'], instance_id)
        raise webob.exc.HTTPNotFound()
    return instance


def _by_remote_address(req):
    forwarded = req.headers.get('X-Forwarded-For', '')
    address = forwarded.split(',')[0].strip() or req.remote_addr
    instance_id = networks.fixed_ip_holder(address)
    if instance_id is None:
        LOG.warning("No instance holds the fixed IP %s a metadata request came from", address)
        raise webob.exc.HTTPNotFound()
    return _instance(instance_id)


def _instance(instance_id):
    try:
        return instances.instance_get(instance_id)
    except exception.InstanceNotFound:
        LOG.warning("Metadata requested for instance %s, which does not exist", instance_id)
        raise webob.exc.HTTPNotFound() from None
