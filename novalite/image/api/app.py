"""The image API's WSGI apps: the router of ``/v2`` and the fault wrapper.

The paste file's ``image_api`` composite mounts the version document at
``/``, ``/versions`` and ``/v2``, and below ``/v2/`` a pipeline of request
id, fault wrapper, auth (noauth2 or keystonemiddleware, as the compute API
by ``[api] auth_strategy``), context and :class:`ImageRouter`.

Errors come out as Glance's do: webob's HTTP errors, which render as JSON
(``{"code": "404 Not Found", "title": ..., "message": ...}``) for clients
that accept it and as text or HTML otherwise.
"""

import time

import webob
import webob.exc
from oslo_log import log as logging

from novalite import exception
from novalite.api import fault_wrap, path_router
from novalite.image.api import image_data, images, versions

LOG = logging.getLogger(__name__)

ROUTES = (
    ('/images', {'GET': images.index, 'POST': images.create}),
    ('/images/{image_id}', {'GET': images.show, 'PATCH': images.update,
                            'DELETE': images.delete}),
    ('/images/{image_id}/file', {'PUT': image_data.upload, 'GET': image_data.download}),
    ('/images/{image_id}/tags/{tag}', {'PUT': images.add_tag, 'DELETE': images.delete_tag}),
)


class ImageRouter:
    """Dispatches ``/v2/...`` paths to the handlers of :data:`ROUTES`."""

    def __init__(self, route_table=ROUTES):
        self.paths = path_router.PathRouter(route_table)

    def __call__(self, environ, start_response):
        started = time.monotonic()
        req = webob.Request(environ)
        handler, kwargs = self.paths.handler(req, self.paths.match(req))
        response = handler(req, **kwargs)
        LOG.info('%s %s status: %s time: %.4f', req.method, req.path_qs,
                 response.status_int, time.monotonic() - started)
        return response(environ, start_response)


class FaultWrapper(fault_wrap.FaultWrapper):
    """Errors as webob's HTTP errors, as Glance answers them."""

    @staticmethod
    def respond(exc, environ):
        if isinstance(exc, webob.exc.HTTPException):
            return exc
        if isinstance(exc, exception.NovaliteException) and exc.code < 500:
            error_class = webob.exc.status_map.get(exc.code, webob.exc.HTTPBadRequest)
            return error_class(explanation=exc.format_message())
        LOG.exception("Unexpected error serving an image API request")
        return webob.exc.HTTPInternalServerError(
            explanation=f"Unexpected error: {type(exc).__name__}")


def app_factory(global_conf, **local_conf):
    return ImageRouter()


def versions_factory(global_conf, **local_conf):
    multiple = str(local_conf.get('multiple_choices', 'false')).lower() == 'true'
    return versions.VersionsApp(multiple_choices=multiple)
