"""The versions documents: ``/`` lists v3, ``/v3/`` describes it (keystoneauth's discovery)."""

import webob

from novalite.api import wsgi
from novalite.volume.wsgi import microversion

_UPDATED = '2026-12-02T00:00:00Z'


def _version(url):
    return {'id': 'v3.0', 'status': 'CURRENT', 'version': str(microversion.MAX_VERSION),
            'min_version': str(microversion.MIN_VERSION), 'updated': _UPDATED,
            'links': [{'rel': 'self', 'href': url}],
            'media-types': [{'base': 'application/json',
                             'type': 'application/vnd.openstack.volume+json;version=3'}]}


def show(req):
    """``/v3/``: this endpoint's version."""
    return wsgi.json_response({'versions': [_version(req.application_url.rstrip('/') + '/')]})


class VersionsApp:
    """``/``: the versions the service offers (300 Multiple Choices, as Cinder answers)."""

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        body = {'versions': [_version(req.host_url + '/v3/')]}
        return wsgi.json_response(body, status=300)(environ, start_response)


class EndpointVersionApp:
    """``/v3`` without a token: keystoneauth's discovery reads it before authenticating."""

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        return show(req)(environ, start_response)
