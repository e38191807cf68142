"""The Block Storage API v3 endpoint: the route table and dispatch.

Every path is served with and without the ``/{project_id}`` prefix Cinder's
catalog entries carry; the version a request gets is negotiated first
(:mod:`novalite.volume.wsgi.microversion`) and echoed in the response.
"""

import routes as routes_lib
import webob
import webob.exc

from novalite import exception
from novalite.api import auth
from novalite.volume.wsgi import attachments, microversion, types, versions, volumes

_PROJECT_ID = '[0-9a-zA-Z_.-]+'

ROUTES = (
    ('/volumes', {'GET': volumes.index, 'POST': volumes.create}),
    ('/volumes/detail', {'GET': volumes.detail}),
    ('/volumes/{volume_id}', {'GET': volumes.show, 'PUT': volumes.update,
                              'DELETE': volumes.delete}),
    ('/volumes/{volume_id}/action', {'POST': volumes.action}),
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
        self.targets = [methods for _path, methods in ROUTES]
        self.mapper = routes_lib.Mapper()
        for index, (path, _methods) in enumerate(ROUTES):
            self.mapper.connect(None, path, route_index=str(index))
        for index, (path, _methods) in enumerate(ROUTES):
            prefixed = '/{project_id}' + (path if path != '/' else '')
            self.mapper.connect(None, prefixed, route_index=str(index),
                                requirements={'project_id': _PROJECT_ID})

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        version = microversion.negotiate(req.headers)
        environ[microversion.ENVIRON_KEY] = version
        response = self._dispatch(req)
        response.headers[microversion.HEADER] = f'{microversion.SERVICE_TYPE} {version}'
        response.headers['Vary'] = microversion.HEADER
        return response(environ, start_response)

    def _dispatch(self, req):
        match = self.mapper.match(req.path_info.rstrip('/') or '/')
        if match is None:
            raise exception.NotFound("The resource could not be found.")
        methods = self.targets[int(match.pop('route_index'))]
        handler = methods.get(req.method)
        if handler is None:
            raise webob.exc.HTTPMethodNotAllowed(
                explanation=f"The method {req.method} is not allowed for this resource.",
                headers={'Allow': ', '.join(sorted(methods))})
        project_id = match.pop('project_id', None)
        ctx = req.environ.get(auth.CONTEXT_KEY)
        if project_id and ctx is not None and project_id != ctx.project_id:
            raise exception.Invalid(
                f"Malformed request url: project_id '{project_id}' doesn't match the "
                f"context's project_id '{ctx.project_id}'")
        req.urlvars = dict(match, project_id=project_id)
        return handler(req, **match)


def app_factory(global_conf, **local_conf):
    """Paste app factory of the v3 router."""
    return VolumeRouter()


def versions_factory(global_conf, **local_conf):
    """Paste app factory of the versions document at ``/``."""
    return versions.VersionsApp()
