"""The Block Storage API v3 endpoint: the route table and dispatch.

Every path is served with and without the ``/{project_id}`` prefix Cinder's
catalog entries carry; the version a request gets is negotiated first
(:mod:`novalite.volume.wsgi.microversion`) and echoed in the response.
"""

import webob

from novalite.api import path_router
from novalite.volume.wsgi import (
    attachments,
    microversion,
    snapshots,
    types,
    versions,
    volumes,
)

ROUTES = (
    ('/volumes', {'GET': volumes.index, 'POST': volumes.create}),
    ('/volumes/detail', {'GET': volumes.detail}),
    ('/volumes/{volume_id}', {'GET': volumes.show, 'PUT': volumes.update,
                              'DELETE': volumes.delete}),
    ('/volumes/{volume_id}/action', {'POST': volumes.action}),
    ('/snapshots', {'GET': snapshots.index, 'POST': snapshots.create}),
    ('/snapshots/detail', {'GET': snapshots.detail}),
    ('/snapshots/{snapshot_id}', {'GET': snapshots.show, 'PUT': snapshots.update,
                                  'DELETE': snapshots.delete}),
    ('/attachments', {'GET': attachments.index, 'POST': attachments.create}),
    ('/attachments/detail', {'GET': attachments.detail}),
    ('/attachments/{attachment_id}', {'GET': attachments.show, 'PUT': attachments.update,
                                      'DELETE': attachments.delete}),
    ('/attachments/{attachment_id}/action', {'POST': attachments.action}),
    ('/types', {'GET': types.index}),
    ('/types/default', {'GET': types.default}),
    ('/types/{type_id}', {'GET': types.show}),
    ('/limits', {'GET': types.limits}),
    ('/', {'GET': versions.show}),
)


class VolumeRouter:
    def __init__(self):
        self.paths = path_router.PathRouter(ROUTES, project_prefix=True)

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        version = microversion.negotiate(req.headers)
        environ[microversion.ENVIRON_KEY] = version
        handler, kwargs = self.paths.handler(req, self.paths.match(req))
        response = handler(req, **kwargs)
        response.headers[microversion.HEADER] = f'{microversion.SERVICE_TYPE} {version}'
        response.headers['Vary'] = microversion.HEADER
        return response(environ, start_response)


def app_factory(global_conf, **local_conf):
    """Paste app factory of the v3 router."""
    return VolumeRouter()


def versions_factory(global_conf, **local_conf):
    """Paste app factory of the versions document at ``/``."""
    return versions.VersionsApp()


def version_factory(global_conf, **local_conf):
    """Paste app factory of ``/v3``'s own version document, served without a token."""
    return versions.EndpointVersionApp()
