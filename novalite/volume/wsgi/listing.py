"""What the volume and snapshot listings share: scope, filters, sort, the count.

Microversions as Cinder's: ``with_count`` adds the number of matches
(3.45), ``created_at``/``updated_at`` take time comparisons such as
``gt:2026-12-01T00:00:00`` on volumes (3.60), ``consumes_quota`` filters
(3.65; every novalite volume and snapshot consumes quota). Before the
version that has one, its parameter is ignored, as Cinder drops it.
"""

from oslo_utils import timeutils

from novalite import exception
from novalite.api import wsgi as compute_wsgi
from novalite.db import volumes as db
from novalite.volume.wsgi import common, microversion

_TIME_FILTERS = ('created_at', 'updated_at')


def filters_of(req, ctx, columns, time_filters=False):
    """A listing's filters: the caller's project (every project for an admin asking
    ``all_tenants``) and the query's ``columns`` (parameter: column).

    :raises Invalid: a bad boolean, time or comparison operator (400).
    """
    filters = {}
    all_tenants = req.GET.get('all_tenants')
    if not (ctx.is_admin and all_tenants is not None and
            compute_wsgi.parse_bool(all_tenants or 'true', 'all_tenants')):
        filters['project_id'] = ctx.project_id
    elif req.GET.get('project_id'):
        filters['project_id'] = req.GET['project_id']
    for param, column in columns.items():
        if param in req.GET:
            value = req.GET[param]
            filters[column] = compute_wsgi.parse_bool(value, param) \
                if param == 'bootable' else value
    if time_filters and microversion.is_supported(req, '3.60'):
        for param in _TIME_FILTERS:
            if param in req.GET:
                filters[param] = _comparisons(req.GET[param])
    return filters


def matches_nothing(req):
    """3.65: ``consumes_quota=false`` matches nothing (everything here consumes quota)."""
    value = req.GET.get('consumes_quota')
    return bool(value is not None and microversion.is_supported(req, '3.65')
                and not compute_wsgi.parse_bool(value, 'consumes_quota'))


def _comparisons(text):
    """``{operator: datetime}`` of ``gt:2026-...,lte:2026-...``."""
    found = {}
    for unit in text.split(','):
        operator, _sep, when = unit.partition(':')
        if operator not in db.COMPARISONS:
            raise exception.Invalid(f"Invalid {operator} operator")
        try:
            found[operator] = timeutils.normalize_time(timeutils.parse_isotime(when))
        except ValueError:
            raise exception.Invalid(f"Invalid {when} value") from None
    return found


def sort_of(req, sort_keys):
    """``sort=key:dir`` (3.x) or ``sort_key``/``sort_dir``; the first key only, as the
    column of ``sort_keys`` it names."""
    key, direction = req.GET.get('sort_key', 'created_at'), req.GET.get('sort_dir', 'desc')
    if req.GET.get('sort'):
        first = req.GET['sort'].split(',')[0]
        key, _sep, direction = first.partition(':')
        direction = direction or 'desc'
    if key not in sort_keys or direction not in ('asc', 'desc'):
        raise exception.Invalid(f"Invalid sort key or direction: {key}:{direction}")
    return sort_keys[key], direction


def with_count(req):
    """3.45: the listing also answers ``count``."""
    value = req.GET.get('with_count')
    return bool(value is not None and microversion.is_supported(req, '3.45')
                and compute_wsgi.parse_bool(value, 'with_count'))


def page(req, collection, items, limit, count, detail):
    """The listing's body: ``{collection: items}``, a ``next`` link when the page
    is full, and the number of matches (``count()``) when asked (3.45)."""
    body = {collection: items}
    if limit and len(items) == limit:
        url = f"{common.link_base(req)}/{collection}{'/detail' if detail else ''}"
        body[f'{collection}_links'] = [
            {'rel': 'next', 'href': f"{url}?limit={limit}&marker={items[-1]['id']}"}]
    if with_count(req):
        body['count'] = 0 if matches_nothing(req) else count()
    return common.json_response(body)
