"""Flavors: listed and shown to the projects that may use them, managed by admins.

A private flavor exists, for a non-admin, only if their project was given
access to it (``os-flavor-access``): otherwise it is 404 to show and an
invalid ``flavorRef`` to boot with, as in Nova. Microversions: 2.55 adds the
description (on create, and ``PUT`` to change it), 2.61 the extra specs in
the view, 2.75 a swap of 0 instead of ``""``.
"""

import uuid

from novalite import exception
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.policies import flavors as rules
from novalite.api.schemas import flavors as schemas
from novalite.db import flavors as db_flavors

_SORT_KEYS = ('flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb', 'swap',
              'rxtx_factor', 'id', 'created_at', 'updated_at', 'is_public', 'disabled')


def view(req, links, flavor, detail=True):
    flavorid = flavor['flavorid']
    body = {'id': flavorid, 'name': flavor['name'], 'links': links.resource('flavors', flavorid)}
    if microversion.is_supported(req, '2.55'):
        body['description'] = flavor.get('description')
    if not detail:
        return body
    swap_unset = 0 if microversion.is_supported(req, '2.75') else ''
    body.update({
        'ram': flavor['memory_mb'],
        'vcpus': flavor['vcpus'],
        'disk': flavor['root_gb'],
        'OS-FLV-EXT-DATA:ephemeral': flavor['ephemeral_gb'],
        'swap': flavor['swap'] or swap_unset,
        'rxtx_factor': flavor['rxtx_factor'],
        'os-flavor-access:is_public': flavor['is_public'],
        'OS-FLV-DISABLED:disabled': flavor['disabled'],
    })
    if microversion.is_supported(req, '2.61') and policy.check(
            wsgi.context(req), rules.EXTRA_SPECS % 'index'):
        body['extra_specs'] = flavor.get('extra_specs') or {}
    return body


def get_visible(ctx, flavor_id, read_deleted=False):
    """The flavor if ``ctx`` may use it: admins see all, others public or granted ones.

    :raises FlavorNotFound: no such flavor, or a private one the caller's
        project has no access to (a non-admin never learns it exists).
    """
    project_id = None if ctx.is_admin else ctx.project_id
    return db_flavors.flavor_get_by_flavorid(flavor_id, read_deleted=read_deleted,
                                             project_id=project_id)


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
    ctx = wsgi.context(req)
    try:
        found = db_flavors.flavor_get_all(
            is_public=_is_public_filter(ctx, params.get('is_public')), project_id=ctx.project_id,
            min_memory_mb=_int_filter(params, 'minRam'),
            min_root_gb=_int_filter(params, 'minDisk'),
            limit=limit, marker=marker, sort_key=sort_key, sort_dir=sort_dir)
    except exception.FlavorNotFound:
        raise exception.MarkerNotFound(marker=marker) from None
    links = wsgi.Links(req)
    items = [view(req, links, flavor, detail) for flavor in found]
    return wsgi.collection_response(req, links, 'flavors', items, limit, detail)


@validation.query_schemas(('2.0', schemas.list_query))
def index(req):
    return _list(req, detail=False)


@validation.query_schemas(('2.0', schemas.list_query))
def detail(req):
    return _list(req, detail=True)


def show(req, flavor_id):
    # Deleted flavors stay visible by id: servers still refer to them.
    flavor = get_visible(wsgi.context(req), flavor_id, read_deleted=True)
    return wsgi.json_response({'flavor': view(req, wsgi.Links(req), flavor)})


@policy.require(rules.CREATE)
@validation.body(schemas.create, '2.0', '2.54')
@validation.body(schemas.create_v255, '2.55')
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
        'description': spec.get('description'),
    })
    return wsgi.json_response({'flavor': view(req, wsgi.Links(req), flavor)})


@microversion.supported('2.55')
@policy.require(rules.UPDATE)
@validation.body(schemas.update_v255)
def update(req, flavor_id):
    description = validation.load_body(req)['flavor']['description']
    flavor = db_flavors.flavor_update(flavor_id, {'description': description})
    return wsgi.json_response({'flavor': view(req, wsgi.Links(req), flavor)})


@policy.require(rules.DELETE)
def delete(req, flavor_id):
    db_flavors.flavor_destroy(flavor_id)
    return wsgi.empty_response(202)
