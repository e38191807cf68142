"""The WSGI apps at the end of the paste pipeline.

:class:`APIRouter` serves one versioned endpoint: it negotiates the
microversion, matches the path against :data:`novalite.api.routes.ROUTES`
(each path also under an optional ``/{project_id}`` prefix, as Nova keeps
for old clients), checks that a project id in the URL is the caller's, calls
the handler and stamps the version headers on the response. Errors propagate
as exceptions to the fault wrapper.

:func:`urlmap_factory` is the paste composite that mounts the versions
document at ``/``, each endpoint's own version document at ``/v2.1`` and
``/v2`` (no token needed, as in Nova) and the router below them (``/v2`` is
the legacy endpoint, which speaks 2.0 and ignores version headers).
"""

import webob

from novalite.api import auth, microversion, path_router
from novalite.api import routes as api_routes


class APIRouter:
    def __init__(self, route_table, legacy_v2=False):
        self.legacy_v2 = legacy_v2
        self.paths = path_router.PathRouter(route_table, project_prefix=True)

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        if self.legacy_v2:
            version = microversion.LEGACY_V2_VERSION
        else:
            version = microversion.negotiate(req.headers)
        environ[microversion.ENVIRON_KEY] = version
        response = self._dispatch(req)
        for name, value in microversion.version_headers(version):
            response.headers[name] = value
        return response(environ, start_response)

    def _dispatch(self, req):
        found = self.paths.match(req)
        if found is None and self._is_own_project(req):
            # Catalogs that still carry the project id point discovery here.
            from novalite.api import versions
            return versions.show(req)
        handler, kwargs = self.paths.handler(req, found)
        return handler(req, **kwargs)

    @staticmethod
    def _is_own_project(req):
        ctx = req.environ.get(auth.CONTEXT_KEY)
        return ctx is not None and req.path_info.rstrip('/') == f'/{ctx.project_id}'


def app_factory(global_conf, **local_conf):
    """Paste app factory of the v2.1 router (``legacy_v2 = true`` for /v2)."""
    legacy = str(local_conf.get('legacy_v2', 'false')).lower() == 'true'
    return APIRouter(api_routes.ROUTES, legacy_v2=legacy)


def versions_factory(global_conf, **local_conf):
    """Paste app factory of the versions document served at ``/``."""
    from novalite.api import versions
    return versions.VersionsApp()


def version_factory(global_conf, **local_conf):
    """Paste app factory of one endpoint's version document (``/v2.1``, ``/v2``)."""
    from novalite.api import versions
    return versions.EndpointVersionApp()


class URLMap:
    """Dispatch on the longest matching path prefix, shifting it into SCRIPT_NAME.

    A prefix matches the path itself and everything below it; one written
    ``/v2.1/+`` (as in Nova's api-paste.ini) matches only paths below ``/v2.1/``,
    so the bare ``/v2.1`` and ``/v2.1/`` can go to a version document served
    without a token, where keystoneauth's discovery looks for it.
    """

    def __init__(self, apps):
        self.apps = sorted(apps.items(), key=lambda item: len(item[0]), reverse=True)

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '') or '/'
        for prefix, app in self.apps:
            mount = self._mount(prefix, path)
            if mount is not None:
                environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + mount
                environ['PATH_INFO'] = path[len(mount):]
                return app(environ, start_response)
        from novalite.api import versions
        return versions.VersionsApp(multiple_choices=True)(environ, start_response)

    @staticmethod
    def _mount(prefix, path):
        """The part of ``path`` that ``prefix`` mounts, or None when it does not match."""
        if prefix == '/':
            return '' if path == '/' else None
        if prefix.endswith('/+'):
            mount = prefix[:-2]
            return mount if len(path) > len(mount) + 1 and path.startswith(mount + '/') \
                else None
        return prefix if path == prefix or path.startswith(prefix + '/') else None


def urlmap_factory(loader, global_conf, **local_conf):
    return URLMap({prefix: loader.get_app(name) for prefix, name in local_conf.items()})
