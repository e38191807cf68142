"""Matching a request's path and method against a route table.

A route table is a sequence of ``(path, {method: handler})`` rows in Routes'
syntax. The compute, volume and image APIs each dispatch through one; the
first two also serve every path under a ``/{project_id}`` prefix, as Nova's
and Cinder's catalogs still carry it.
"""

import routes as routes_lib
import webob.exc

from novalite import exception
from novalite.api import auth

# Project ids look like keystone's (hex) or noauth2's (any word); plain
# routes are matched first, so a project id never shadows a collection.
_PROJECT_ID = '[0-9a-zA-Z_.-]+'


class PathRouter:
    def __init__(self, route_table, project_prefix=False):
        self.targets = [methods for _path, methods in route_table]
        self.mapper = routes_lib.Mapper()
        for index, (path, _methods) in enumerate(route_table):
            self.mapper.connect(None, path, route_index=str(index))
        if not project_prefix:
            return
        for index, (path, _methods) in enumerate(route_table):
            if path != '/':
                self.mapper.connect(None, '/{project_id}' + path, route_index=str(index),
                                    requirements={'project_id': _PROJECT_ID})

    def match(self, req):
        """The route's methods and URL variables, or None when no path matches."""
        match = self.mapper.match(req.path_info.rstrip('/') or '/')
        if match is None:
            return None
        return self.targets[int(match.pop('route_index'))], match

    def handler(self, req, found):
        """The handler of a :meth:`match` and its keyword arguments, with ``req.urlvars`` set.

        :raises NotFound: nothing matched (404).
        :raises HTTPMethodNotAllowed: the path has no handler for the method (405).
        :raises Invalid: the URL's project id is not the caller's (400).
        """
        if found is None:
            raise exception.NotFound("The resource could not be found.")
        methods, match = found
        handler = methods.get(req.method)
        if handler is None:
            raise webob.exc.HTTPMethodNotAllowed(
                explanation=f"The method {req.method} is not allowed for this resource.",
                headers={'Allow': ', '.join(sorted(methods))})
        _check_project(req, match.get('project_id'))
        req.urlvars = match
        return handler, {k: v for k, v in match.items() if k != 'project_id'}


def _check_project(req, project_id):
    if project_id is None:
        return
    ctx = req.environ.get(auth.CONTEXT_KEY)
    if ctx is not None and ctx.project_id != project_id:
        raise exception.Invalid(
            f"Malformed request URL: URL's project_id '{project_id}' doesn't match "
            f"Context's project_id '{ctx.project_id}'")
