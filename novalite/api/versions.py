"""Version documents: ``GET /`` lists the endpoints, ``GET /v2.1/`` describes one.

Clients (keystoneauth's discovery, novaclient, openstacksdk) read
``version`` and ``min_version`` here to learn the microversion range.
"""

import webob

from novalite.api import microversion, wsgi

_UPDATED = {'v2.0': '2011-01-21T11:33:21Z', 'v2.1': '2013-07-23T11:33:21Z'}


def _version(host_url, version_id):
    current = version_id == 'v2.1'
    path = 'v2.1' if current else 'v2'
    return {
        'id': version_id,
        'status': 'CURRENT' if current else 'SUPPORTED',
        'version': str(microversion.MAX_VERSION) if current else '',
        'min_version': str(microversion.MIN_VERSION) if current else '',
        'updated': _UPDATED[version_id],
        'links': [{'rel': 'self', 'href': f'{host_url}/{path}/'}],
    }


def _base_url(req):
    return req.host_url + req.script_name.rstrip('/')


class VersionsApp:
    """``GET /``: 200 with every version; any other path: 300 Multiple Choices."""

    def __init__(self, multiple_choices=False):
        self.multiple_choices = multiple_choices

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        base = _base_url(req)
        versions = [_version(base, 'v2.0'), _version(base, 'v2.1')]
        if self.multiple_choices or req.path_info not in ('', '/'):
            for version in versions:
                version['media-types'] = _media_types(version['id'])
            response = wsgi.json_response({'choices': versions}, status=300)
        else:
            response = wsgi.json_response({'versions': versions})
        return response(environ, start_response)


def _media_types(version_id):
    return [{'base': 'application/json',
             'type': f'application/vnd.openstack.compute+json;version={version_id[1:]}'}]


class EndpointVersionApp:
    """``GET /v2.1`` or ``/v2.1/`` (and ``/v2``): the endpoint's document, without a token."""

    def __call__(self, environ, start_response):
        return show(webob.Request(environ))(environ, start_response)


def show(req):
    """``GET /v2.1/``: this endpoint's version document."""
    base = req.application_url.rstrip('/')
    version_id = 'v2.0' if base.endswith('/v2') else 'v2.1'
    host = base.rsplit('/', 1)[0]
    version = _version(host, version_id)
    version['links'].append({'rel': 'describedby', 'type': 'text/html',
                             'href': 'https://docs.openstack.org/'})
    version['media-types'] = _media_types(version_id)
    return wsgi.json_response({'version': version})
