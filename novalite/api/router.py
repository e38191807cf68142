"""The WSGI apps at the end of the paste pipeline.

:class:`APIRouter` serves one versioned endpoint: it negotiates the
microversion, matches the path against :data:`novalite.api.routes.ROUTES`
(each path also under an optional ``/{project_id}`` prefix, as Nova keeps
for old clients), checks that a project id in the URL is the caller's, calls
the handler and stamps the version headers on the response. Errors propagate
as exceptions to the fault wrapper.

:func:`urlmap_factory` is the paste composite that mounts the versions
document at ``/`` and the router at ``/v2.1`` (and ``/v2``, the legacy
endpoint, which speaks 2.0 and ignores version headers).
"""

import time

import routes as routes_lib
import webob
import webob.exc
from oslo_log import log as logging

from novalite import exception
from novalite.api import auth, microversion
from novalite.api import routes as api_routes

LOG = logging.getLogger(__name__)

# Project ids look like keystone's (hex) or noauth2's (any word); plain
# routes are matched first, so a project id never shadows a collection.
_PROJECT_ID = '[0-9a-zA-Z_.-]+'


class APIRouter:
    def __init__(self, route_table, legacy_v2=False):
        self.legacy_v2 = legacy_v2
        self.targets = [methods for _path, methods in route_table]
        self.mapper = routes_lib.Mapper()
        for index, (path, _methods) in enumerate(route_table):
            self.mapper.connect(None, path, route_index=str(index))
        for index, (path, _methods) in enumerate(route_table):
            self.mapper.connect(None, '/{project_id}' + path, route_index=str(index),
                                requirements={'project_id': _PROJECT_ID})

    def __call__(self, environ, start_response):
        started = time.monotonic()
        req = webob.Request(environ)
        if self.legacy_v2:
            version = microversion.LEGACY_V2_VERSION
        else:
            version = microversion.negotiate(req.headers)
        environ[microversion.ENVIRON_KEY] = version
        response = self._dispatch(req)
        for name, value in microversion.version_headers(version):
            response.headers[name] = value
        LOG.info('%s %s status: %s len: %s microversion: %s time: %.4f', req.method,
                 req.path_qs, response.status_int, response.content_length, version,
                 time.monotonic() - started)
        return response(environ, start_response)

    def _dispatch(self, req):
        path = req.path_info.rstrip('/') or '/'
        match = self.mapper.match(path)
        if match is None and self._is_own_project(req, path):
            # Catalogs that still carry the project id point discovery here.
            from novalite.api import versions
            return versions.show(req)
        if match is None:
            raise exception.NotFound("The resource could not be found.")
        methods = self.targets[int(match.pop('route_index'))]
        handler = methods.get(req.method)
        if handler is None:
            raise webob.exc.HTTPMethodNotAllowed(
                explanation=f"The method {req.method} is not allowed for this resource.",
                headers={'Allow': ', '.join(sorted(methods))})
        self._check_project(req, match.get('project_id'))
        req.urlvars = match
        return handler(req, **{k: v for k, v in match.items() if k != 'project_id'})

    @staticmethod
    def _is_own_project(req, path):
        ctx = req.environ.get(auth.CONTEXT_KEY)
        return ctx is not None and path == f'/{ctx.project_id}'

    @staticmethod
    def _check_project(req, project_id):
        if project_id is None:
            return
        ctx = req.environ.get(auth.CONTEXT_KEY)
        if ctx is not None and ctx.project_id != project_id:
            raise exception.Invalid(
                f"Malformed request URL: URL's project_id '{project_id}' doesn't match "
                f"Context's project_id '{ctx.project_id}'")


def app_factory(global_conf, **local_conf):
    """Paste app factory of the v2.1 router (``legacy_v2 = true`` for /v2)."""
    legacy = str(local_conf.get('legacy_v2', 'false')).lower() == 'true'
    return APIRouter(api_routes.ROUTES, legacy_v2=legacy)


def versions_factory(global_conf, **local_conf):
    """Paste app factory of the versions document served at ``/``."""
    from novalite.api import versions
    return versions.VersionsApp()


class URLMap:
    """Dispatch on the longest matching path prefix, shifting it into SCRIPT_NAME."""

    def __init__(self, apps):
        self.apps = sorted(apps.items(), key=lambda item: len(item[0]), reverse=True)

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '') or '/'
        for prefix, app in self.apps:
            if prefix == '/':
                if path == '/':
                    return app(environ, start_response)
                continue
            if path == prefix or path.startswith(prefix + '/'):
                environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + prefix
                environ['PATH_INFO'] = path[len(prefix):]
                return app(environ, start_response)
        from novalite.api import versions
        return versions.VersionsApp(multiple_choices=True)(environ, start_response)


def urlmap_factory(loader, global_conf, **local_conf):
    return URLMap({prefix: loader.get_app(name) for prefix, name in local_conf.items()})
