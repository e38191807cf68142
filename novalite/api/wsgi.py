"""What every handler needs from the request and for the response.

The caller's context, JSON responses, Nova's links (``self`` under the
versioned endpoint, ``bookmark`` without the version), collection paging
(``limit``/``marker`` and the ``next`` link) and Nova's timestamp formats.
"""

import re
import urllib.parse

import orjson
import webob

from novalite import exception
from novalite.api import auth
from novalite.conf import CONF

_VERSION_SUFFIX = re.compile(r'/v\d+(\.\d+)?/?$')


def context(req):
    return req.environ[auth.CONTEXT_KEY]


def json_response(body, status=200, headers=None):
    response = webob.Response(status=status, content_type='application/json', charset='utf-8')
    # orjson: a listing of hundreds of servers is most of a megabyte of
    # JSON, which the standard library's encoder takes ten times longer on.
    response.body = orjson.dumps(body)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def empty_response(status):
    response = webob.Response(status=status)
    response.content_type = None
    return response


class Links:
    """Link prefixes of one request: built once, then cheap per item.

    The project id appears in links only when the request URL carried it,
    as Nova does.
    """

    def __init__(self, req):
        base = req.application_url.rstrip('/')
        project = req.urlvars.get('project_id')
        suffix = f'/{project}' if project else ''
        self.self_prefix = base + suffix
        self.bookmark_prefix = _VERSION_SUFFIX.sub('', base) + suffix

    def resource(self, collection, ident):
        return [{'rel': 'self', 'href': f'{self.self_prefix}/{collection}/{ident}'},
                {'rel': 'bookmark', 'href': f'{self.bookmark_prefix}/{collection}/{ident}'}]

    def bookmark(self, collection, ident):
        return [{'rel': 'bookmark', 'href': f'{self.bookmark_prefix}/{collection}/{ident}'}]

    def next(self, req, collection, marker):
        params = [(key, value) for key, value in req.GET.items() if key != 'marker']
        params.append(('marker', marker))
        return [{'rel': 'next', 'href': f'{self.self_prefix}/{collection}?'
                                        f'{urllib.parse.urlencode(params)}'}]


def id_from_ref(ref):
    """The id a ``flavorRef``, ``imageRef`` or image filter names: itself, or a URL's last part."""
    return str(ref).rstrip('/').rsplit('/', 1)[-1]


def limit_and_marker(params):
    """``(limit, marker)`` from validated query params, capped at ``[api] max_limit``."""
    limit = CONF.api.max_limit
    if params.get('limit') is not None:
        limit = min(limit, int(params['limit']))
    return limit, params.get('marker')


def collection_links(req, links, collection, items, limit, id_key='id'):
    """The ``next`` link, when the page is full (Nova's rule)."""
    if not limit or not items or len(items) < limit:
        return []
    return links.next(req, collection, items[-1][id_key])


def collection_response(req, links, name, items, limit, detail):
    """``{name: items}`` plus ``{name}_links`` when the page is full, as a response."""
    body = {name: items}
    collection = name.replace('hypervisors', 'os-hypervisors')
    next_link = collection_links(req, links, collection + '/detail' if detail else collection,
                                 items, limit)
    if next_link:
        body[name + '_links'] = next_link
    return json_response(body)


def isotime(value):
    """``2013-09-03T04:01:32Z``: servers' created/updated, image dates."""
    if value is None:
        return None
    return _text(value)[:19] + 'Z'


def precise_time(value):
    """``2013-09-03T04:01:32.000000``: actions, services, launched_at."""
    if value is None:
        return None
    value = _text(value)
    return value if len(value) > 19 else value + '.000000'


def _text(value):
    return value.isoformat() if hasattr(value, 'isoformat') else str(value)


def parse_bool(value, field):
    """Nova's boolean strings. :raises Invalid: not a boolean."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ('1', 't', 'true', 'on', 'y', 'yes'):
        return True
    if text in ('0', 'f', 'false', 'off', 'n', 'no'):
        return False
    raise exception.Invalid(f"Invalid value '{value}' for {field}")
