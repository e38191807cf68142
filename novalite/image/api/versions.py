"""The Image API's version document, at ``/``, ``/versions`` and ``/v2``.

keystoneauth's discovery reads it to find the v2 endpoint; ``/`` answers
300 Multiple Choices as Glance does, the others 200.
"""

import re

import webob

from novalite.api import wsgi

# Newest first; the last minor version whose behaviour novalite serves is CURRENT.
_MOUNT = re.compile(r'/(versions|v2)$')
_VERSIONS = ('2.5', '2.4', '2.3', '2.2', '2.1', '2.0')


def document(req):
    # The URL map appended the mount point (/versions, /v2) to the script name.
    base = _MOUNT.sub('', req.application_url.rstrip('/'))
    versions = [{'id': f'v{version}', 'status': 'CURRENT' if index == 0 else 'SUPPORTED',
                 'links': [{'rel': 'self', 'href': f'{base}/v2/'}]}
                for index, version in enumerate(_VERSIONS)]
    return {'versions': versions}


class VersionsApp:
    """The version document as a WSGI app; ``multiple_choices`` for the root."""

    def __init__(self, multiple_choices=False):
        self.status = 300 if multiple_choices else 200

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        return wsgi.json_response(document(req), status=self.status)(environ, start_response)
