"""What the Block Storage handlers share: the body, the caller, links, paging."""

import json

from novalite import exception
from novalite.api import wsgi
from novalite.conf import CONF

context = wsgi.context
json_response = wsgi.json_response
empty_response = wsgi.empty_response


def body(req, key):
    """The ``key`` object of the JSON body. :raises Invalid: missing or not an object."""
    try:
        document = json.loads(req.body or b'null')
    except ValueError:
        raise exception.Invalid("Malformed request body") from None
    if not isinstance(document, dict) or not isinstance(document.get(key), dict):
        raise exception.Invalid(f"Missing required element '{key}' in request body.")
    return document[key]


def require_admin(ctx):
    if not ctx.is_admin:
        raise exception.Forbidden(action='an administrator-only request')


def isotime(value):
    """Cinder's timestamps: ``2013-02-25T02:40:21.000000``."""
    return wsgi.precise_time(value)


def link_base(req):
    """``.../v3/{project_id}``: the prefix of resources' links."""
    base = req.application_url.rstrip('/')
    project = req.urlvars.get('project_id')
    return f'{base}/{project}' if project else base


def links(req, collection, ident):
    base = link_base(req)
    bookmark = base.replace('/v3', '', 1)
    return [{'rel': 'self', 'href': f'{base}/{collection}/{ident}'},
            {'rel': 'bookmark', 'href': f'{bookmark}/{collection}/{ident}'}]


def limit_and_marker(req):
    """``(limit, marker)`` of a listing. :raises Invalid: a limit that is not a number."""
    limit = req.GET.get('limit')
    if limit is not None:
        try:
            limit = int(limit)
        except ValueError:
            raise exception.Invalid("limit param must be an integer") from None
        if limit < 0:
            raise exception.Invalid("limit param must be positive")
    return min(limit if limit is not None else CONF.api.max_limit, CONF.api.max_limit), \
        req.GET.get('marker')
