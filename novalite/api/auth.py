"""Authentication and the request context.

Two pipelines of the paste file differ only here: ``noauth2`` believes the
``X-Auth-Token: user:project`` it is sent (as Nova's noauth2 does), and
``keystone`` puts keystonemiddleware's ``authtoken`` filter in its place.
Either way the identity ends up in keystonemiddleware's headers
(``X-User-Id``, ``X-Project-Id``, ``X-Roles``), from which
:class:`ContextMiddleware` builds the :class:`~novalite.context.RequestContext`
that handlers find in ``environ['novalite.context']``.
"""

import webob
import webob.exc

from novalite import context as novalite_context
from novalite import exception
from novalite.api import policy, request_id
from novalite.conf import CONF

CONTEXT_KEY = 'novalite.context'
_MAX_ID = 255

_IDENTITY_HEADERS = ('HTTP_X_USER_ID', 'HTTP_X_USER', 'HTTP_X_PROJECT_ID', 'HTTP_X_TENANT_ID',
                     'HTTP_X_TENANT', 'HTTP_X_ROLES', 'HTTP_X_ROLE', 'HTTP_X_IDENTITY_STATUS')


class NoAuth2:
    """Trust the token: ``user:project`` (``project`` defaults to ``user``).

    Without a token it answers 204 with a token for ``X-Auth-User`` /
    ``X-Auth-Project-Id``, like the legacy v1.1 auth handshake Nova keeps.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        token = req.headers.get('X-Auth-Token')
        if not token:
            user = req.headers.get('X-Auth-User', 'admin')
            project = req.headers.get('X-Auth-Project-Id', 'admin')
            res = webob.Response(status=204, content_type='text/plain')
            res.headers['X-Auth-Token'] = f'{user}:{project}'
            res.headers['X-Server-Management-Url'] = req.url.rstrip('/')
            return res(environ, start_response)
        user, _sep, project = token.partition(':')
        project = project or user
        if len(user) > _MAX_ID or len(project) > _MAX_ID:
            # Ids are columns of 255 characters: refuse them here, not there.
            raise exception.Invalid(
                f"X-Auth-Token names a user or project longer than {_MAX_ID} characters")
        for key in _IDENTITY_HEADERS:
            req.environ.pop(key, None)
        req.environ.update({
            'HTTP_X_USER_ID': user,
            'HTTP_X_PROJECT_ID': project,
            'HTTP_X_ROLES': 'admin,member,reader' if user == 'admin' else 'member,reader',
            'HTTP_X_IDENTITY_STATUS': 'Confirmed',
        })
        return self.application(environ, start_response)

    @classmethod
    def factory(cls, global_conf, **local_conf):
        return cls


class ContextMiddleware:
    """Build the request context from the identity headers auth left behind."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        # Errors raised here propagate to the fault wrapper, which renders them.
        if environ.get('HTTP_X_IDENTITY_STATUS', 'Confirmed') != 'Confirmed':
            raise webob.exc.HTTPUnauthorized()
        ctx = novalite_context.RequestContext.from_environ(environ)
        # Who is an administrator is policy's answer (context_is_admin), as in Nova.
        ctx.is_admin = policy.is_admin(ctx)
        if ctx.request_id is None:
            ctx.request_id = environ.get(request_id.ENVIRON_KEY)
        environ[CONTEXT_KEY] = ctx
        return self.application(environ, start_response)

    @classmethod
    def factory(cls, global_conf, **local_conf):
        return cls


def pipeline_factory(loader, global_conf, **local_conf):
    """Paste composite: the pipeline named by ``[api] auth_strategy``.

    Filters are loaded only for the chosen pipeline, so keystonemiddleware
    needs to be installed only where it is used.
    """
    strategy = global_conf.get('auth_strategy') or CONF.api.auth_strategy
    names = local_conf[strategy].split()
    app = loader.get_app(names[-1])
    for name in reversed(names[:-1]):
        app = loader.get_filter(name)(app)
    return app
