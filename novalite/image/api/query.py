"""What ``GET /v2/images`` asks for: filters, sort order and one page.

Glance's query language, the part clients use: equality filters on core
attributes (``in:a,b`` for several values), ``tag`` (repeatable, all must
match), ``size_min``/``size_max``, ``visibility`` (``all`` for every image
the caller may see), ``os_hidden``, any other key as a custom property;
``sort=key:dir,...`` or ``sort_key``/``sort_dir`` (repeatable); ``limit``
and ``marker``. Bad values are a 400 and list nothing.
"""

import collections

from novalite import exception
from novalite.api import wsgi
from novalite.conf import CONF
from novalite.image import fields

SORT_KEYS = ('name', 'status', 'container_format', 'disk_format', 'size', 'virtual_size',
             'id', 'created_at', 'updated_at', 'min_disk', 'min_ram', 'visibility', 'owner',
             'protected', 'os_hidden')
_EQUALITY = ('id', 'name', 'status', 'visibility', 'owner', 'container_format', 'disk_format',
             'checksum', 'os_hash_value')
_PAGING = ('limit', 'marker', 'sort', 'sort_key', 'sort_dir')
_IGNORED = ('member_status',)

Query = collections.namedtuple('Query', ['filters', 'sort', 'limit', 'marker'])


def parse(params):
    """A :class:`Query` from the request's query string (a webob MultiDict).

    :raises Invalid: an unknown sort key or direction, a non-integer limit
        or size bound.
    """
    return Query(_filters(params), _sort(params), _limit(params), params.get('marker'))


def _limit(params):
    limit = params.get('limit')
    if limit is None:
        return CONF.image.limit_param_default
    try:
        limit = int(limit)
    except ValueError:
        raise exception.Invalid("limit param must be an integer") from None
    if limit < 0:
        raise exception.Invalid("limit param must be positive")
    return min(limit, CONF.image.api_limit_max)


def _sort(params):
    """``[(key, reverse)]`` with ``id`` last as the tie breaker."""
    if 'sort' in params and ('sort_key' in params or 'sort_dir' in params):
        raise exception.Invalid("The 'sort' param cannot be combined with 'sort_key' or "
                                "'sort_dir'")
    if 'sort' in params:
        pairs = [item.strip().partition(':')[::2] for item in params['sort'].split(',')]
    else:
        keys = params.getall('sort_key') or ['created_at']
        dirs = params.getall('sort_dir') or ['desc']
        if len(dirs) not in (1, len(keys)):
            raise exception.Invalid("Number of sort dirs does not match the number of "
                                    "sort keys")
        pairs = list(zip(keys, dirs * len(keys) if len(dirs) == 1 else dirs, strict=True))
    order = [(_sort_key(key), _reverse(direction or 'asc')) for key, direction in pairs]
    if order[-1][0] != 'id':
        order.append(('id', order[-1][1]))
    return order


def _sort_key(key):
    if key not in SORT_KEYS:
        raise exception.Invalid(f"Invalid sort key: {key}. It should be one of the "
                                f"following: {', '.join(SORT_KEYS)}.")
    return key


def _reverse(direction):
    if direction not in ('asc', 'desc'):
        raise exception.Invalid(f"Invalid sort direction: {direction}")
    return direction == 'desc'


def _filters(params):
    filters = {}
    for key, value in params.items():
        if key in _PAGING or key in _IGNORED or key == 'tag':
            continue
        if key in ('size_min', 'size_max'):
            filters[key] = _integer(key, value)
        elif key in ('os_hidden', 'protected'):
            filters[key] = wsgi.parse_bool(value, key)
        else:
            filters[key] = value
    filters['tag'] = params.getall('tag')
    return filters


def _integer(key, value):
    try:
        return int(value)
    except ValueError:
        raise exception.Invalid(f"Invalid value for {key}: {value}") from None


def matches(record, filters, context):
    """Whether ``record`` passes every filter of the query for ``context``."""
    if not _visibility_matches(record, filters.get('visibility'), context):
        return False
    if record.get('os_hidden', False) != filters.get('os_hidden', False):
        return False
    if 'protected' in filters and record.get('protected') != filters['protected']:
        return False
    if not set(filters['tag']) <= set(record.get('tags') or []):
        return False
    size = record.get('size')
    if 'size_min' in filters and (size is None or size < filters['size_min']):
        return False
    if 'size_max' in filters and (size is None or size > filters['size_max']):
        return False
    return all(_equal(record, key, value) for key, value in filters.items()
               if key not in ('visibility', 'os_hidden', 'protected', 'tag', 'size_min',
                              'size_max'))


def _visibility_matches(record, wanted, context):
    if wanted == 'all':
        return True
    if wanted is not None:
        return record.get('visibility') == wanted
    # The default listing leaves out community images of other projects.
    return (record.get('visibility') != 'community' or context.is_admin
            or record.get('owner') == context.project_id)


def _equal(record, key, value):
    if key in _EQUALITY:
        found = record.get(key)
    elif key in fields.CORE:
        found = record.get(key)
        found = None if found is None else str(found)
    else:
        found = (record.get('properties') or {}).get(key)
    if value.startswith('in:'):
        return found in value[3:].split(',')
    return found == value


def _order_key(key):
    def value(record):
        found = record.get(key)
        # None sorts before every value, as SQL NULLs do in Glance's ascending order.
        return (found is not None, found if found is not None else 0)
    return value


def ordered(records, sort):
    """``records`` sorted by the query's keys (stable sorts, last key first)."""
    result = list(records)
    for key, reverse in reversed(sort):
        result.sort(key=_order_key(key), reverse=reverse)
    return result


def page(records, query, marker_record):
    """``(page, more)``: the records after the marker, at most ``limit`` of them.

    :param marker_record: the marker's record (it need not pass the filters:
        its place in the order is what counts), or None without a marker.
    """
    if marker_record is not None:
        rest = [r for r in records if r['id'] != marker_record['id']]
        placed = ordered([*rest, marker_record], query.sort)
        records = placed[placed.index(marker_record) + 1:]
    return records[:query.limit], len(records) > query.limit
