"""Flavors: listed and shown to everyone, created and deleted by admins.

Microversions up to 2.37 change nothing here (the description is 2.55).
"""

import uuid

from novalite import exception
from novalite.api import policy, validation, wsgi
from novalite.api.policies import flavors as rules
from novalite.api.schemas import flavors as schemas
from novalite.db import flavors as db_flavors

_SORT_KEYS = ('flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb', 'swap',
              'rxtx_factor', 'id', 'created_at', 'updated_at', 'is_public', 'disabled')


def view(links, flavor, detail=True):
    flavorid = flavor['flavorid']
    body = {'id': flavorid, 'name': flavor['name'], 'links': links.resource('flavors', flavorid)}
    if detail:
        body.update({
            'ram': flavor['memory_mb'],
            'vcpus': flavor['vcpus'],
            'disk': flavor['root_gb'],
            'OS-FLV-EXT-DATA:ephemeral': flavor['ephemeral_gb'],
            'swap': flavor['swap'] or '',
            'rxtx_factor': flavor['rxtx_factor'],
            'os-flavor-access:is_public': flavor['is_public'],
            'OS-FLV-DISABLED:disabled': flavor['disabled'],
        })
    return body


def _is_public_filter(ctx, value):
    """Public flavors only, except admins may ask for private ones or ``none`` (all)."""
    if not ctx.is_admin or value is None:
        return True
    if value.lower() == 'none':
        return None
    try:
        return wsgi.parse_bool(value, 'is_public')
    except exception.Invalid:
        raise exception.Invalid(f"Invalid is_public filter [{value}]") from None


def _int_filter(params, name):
    if params.get(name) is None:
        return None
    try:
        return int(params[name])
    except ValueError:
        raise exception.Invalid(f"Invalid {name} filter [{params[name]}]") from None


def _list(req, detail):
    params = validation.query(req, schemas.list_query)
    sort_key = params.get('sort_key') or 'flavorid'
    sort_dir = params.get('sort_dir') or 'asc'
    if sort_key not in _SORT_KEYS:
        raise exception.Invalid(f"Invalid sort_key [{sort_key}]")
    if sort_dir not in ('asc', 'desc'):
        raise exception.Invalid(f"Invalid sort_dir [{sort_dir}]")
    limit, marker = wsgi.limit_and_marker(params)
    try:
        found = db_flavors.flavor_get_all(
            is_public=_is_public_filter(wsgi.context(req), params.get('is_public')),
            min_memory_mb=_int_filter(params, 'minRam'),
            min_root_gb=_int_filter(params, 'minDisk'),
            limit=limit, marker=marker, sort_key=sort_key, sort_dir=sort_dir)
    except exception.FlavorNotFound:
        raise exception.MarkerNotFound(marker=marker) from None
    links = wsgi.Links(req)
    items = [view(links, flavor, detail) for flavor in found]
    return wsgi.collection_response(req, links, 'flavors', items, limit, detail)


def index(req):
    return _list(req, detail=False)


def detail(req):
    return _list(req, detail=True)


def show(req, flavor_id):
    # Deleted flavors stay visible by id, as in Nova: servers still refer to them.
    flavor = db_flavors.flavor_get_by_flavorid(flavor_id, read_deleted=True)
    return wsgi.json_response({'flavor': view(wsgi.Links(req), flavor)})


@policy.require(rules.CREATE)
@validation.body(schemas.create)
def create(req):
    spec = validation.load_body(req)['flavor']
    flavorid = spec.get('id')
    flavor = db_flavors.flavor_create({
        'flavorid': str(uuid.uuid4()) if flavorid is None else str(flavorid),
        'name': spec['name'],
        'memory_mb': int(spec['ram']),
        'vcpus': int(spec['vcpus']),
        'root_gb': int(spec['disk']),
        'ephemeral_gb': int(spec.get('OS-FLV-EXT-DATA:ephemeral') or 0),
        'swap': int(spec.get('swap') or 0),
        'rxtx_factor': float(spec.get('rxtx_factor') or 1.0),
        'is_public': wsgi.parse_bool(spec.get('os-flavor-access:is_public', True),
                                     'os-flavor-access:is_public'),
    })
    return wsgi.json_response({'flavor': view(wsgi.Links(req), flavor)})


@policy.require(rules.DELETE)
def delete(req, flavor_id):
    db_flavors.flavor_destroy(flavor_id)
    return wsgi.empty_response(202)
