"""Volumes: create, list (with detail and filters), show, update, delete, actions.

Views follow Cinder's: the summary is id, name and links; the detail adds
status, size, attachments (server, attachment, device, host), bootable as a
string and the owner's project under ``os-vol-tenant-attr:tenant_id``.
"""

import json

from novalite import exception
from novalite.api import wsgi as compute_wsgi
from novalite.db import volumes as db
from novalite.volume import api as volume_api
from novalite.volume.wsgi import common, microversion

VOLUMES = volume_api.API()

_FILTERS = {'name': 'display_name', 'status': 'status', 'bootable': 'bootable',
            'availability_zone': 'availability_zone'}
_SORT_KEYS = {'created_at': 'created_at', 'updated_at': 'updated_at', 'name': 'display_name',
              'size': 'size', 'status': 'status', 'id': 'id'}


def _attachment_view(volume, attachment):
    return {'id': volume['uuid'], 'attachment_id': attachment['uuid'],
            'volume_id': volume['uuid'], 'server_id': attachment['instance_uuid'],
            'host_name': attachment['attached_host'], 'device': attachment['mountpoint'],
            'attached_at': common.isotime(attachment['attach_time'])}


def detail_view(req, volume, attachments):
    ctx = common.context(req)
    view = {
        'id': volume['uuid'], 'name': volume['display_name'],
        'description': volume['display_description'], 'size': volume['size'],
        'status': volume['status'], 'availability_zone': volume['availability_zone'],
        'created_at': common.isotime(volume['created_at']),
        'updated_at': common.isotime(volume['updated_at']),
        'volume_type': volume['volume_type'], 'snapshot_id': volume['snapshot_id'],
        'source_volid': None,
        'metadata': volume['volume_metadata'], 'bootable': str(volume['bootable']).lower(),
        'encrypted': False, 'multiattach': False, 'replication_status': None,
        'consistencygroup_id': None, 'migration_status': None,
        'user_id': volume['user_id'], 'os-vol-tenant-attr:tenant_id': volume['project_id'],
        'attachments': [_attachment_view(volume, a) for a in attachments
                        if a['attach_status'] == 'attached'],
        'links': common.links(req, 'volumes', volume['uuid']),
    }
    if volume['image_id']:
        view['volume_image_metadata'] = {'image_id': volume['image_id']}
    if ctx.is_admin:
        view['os-vol-host-attr:host'] = volume['host']
    return view


def _summary_view(req, volume):
    return {'id': volume['uuid'], 'name': volume['display_name'],
            'links': common.links(req, 'volumes', volume['uuid'])}


def list_filters(req, ctx, columns):
    """A listing's filters: the caller's project (every project for an admin asking
    ``all_tenants``) and the query's ``columns`` (parameter: column)."""
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
    return filters


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


def _list(req, detail):
    ctx = common.context(req)
    limit, marker = common.limit_and_marker(req)
    sort_key, sort_dir = sort_of(req, _SORT_KEYS)
    if marker:
        VOLUMES.get(ctx, marker)
    found = db.volume_get_all(list_filters(req, ctx, _FILTERS), limit=limit, marker=marker,
                              sort_key=sort_key, sort_dir=sort_dir)
    if detail:
        attached = db.attachments_by_volume([v['uuid'] for v in found])
        items = [detail_view(req, v, attached[v['uuid']]) for v in found]
    else:
        items = [_summary_view(req, v) for v in found]
    body = {'volumes': items}
    if limit and len(items) == limit:
        url = f"{common.link_base(req)}/volumes{'/detail' if detail else ''}"
        body['volumes_links'] = [{'rel': 'next',
                                  'href': f"{url}?limit={limit}&marker={items[-1]['id']}"}]
    return common.json_response(body)


def index(req):
    return _list(req, detail=False)


def detail(req):
    return _list(req, detail=True)


def _show(req, volume, status=200):
    attachments = db.attachments_by_volume([volume['uuid']])[volume['uuid']]
    return common.json_response({'volume': detail_view(req, volume, attachments)},
                                status=status)


def show(req, volume_id):
    return _show(req, VOLUMES.get(common.context(req), volume_id))


def create(req):
    values = common.body(req, 'volume')
    for unsupported in ('source_volid', 'backup_id', 'group_id'):
        if values.get(unsupported):
            raise exception.Invalid(f"{unsupported} is not supported by novalite-volume")
    if values.get('multiattach'):
        raise exception.Invalid("multiattach volumes are not supported by novalite-volume")
    metadata = values.get('metadata') or {}
    if not isinstance(metadata, dict):
        raise exception.Invalid("Invalid metadata: it must be an object")
    volume = VOLUMES.create(
        common.context(req), values.get('size'),
        name=values.get('name') or values.get('display_name'),
        description=values.get('description') or values.get('display_description'),
        image_id=values.get('imageRef') or values.get('image_id'),
        availability_zone=values.get('availability_zone'), metadata=metadata,
        volume_type=values.get('volume_type'), snapshot_id=values.get('snapshot_id'))
    return _show(req, volume, status=202)


def update(req, volume_id):
    values = common.body(req, 'volume')
    changes = {}
    for key, column in (('name', 'display_name'), ('display_name', 'display_name'),
                        ('description', 'display_description'),
                        ('display_description', 'display_description'),
                        ('metadata', 'volume_metadata')):
        if key in values:
            changes[column] = values[key]
    if not changes:
        raise exception.Invalid("Missing request body: nothing to update")
    ctx = common.context(req)
    volume = VOLUMES.update(ctx, VOLUMES.get(ctx, volume_id), changes)
    return _show(req, volume)


def delete(req, volume_id):
    ctx = common.context(req)
    VOLUMES.delete(ctx, VOLUMES.get(ctx, volume_id))
    return common.empty_response(202)


def _extend(req, ctx, volume, args):
    if not isinstance(args, dict) or 'new_size' not in args:
        raise exception.Invalid("Invalid input received: os-extend requires new_size")
    # 3.42: an attached volume may grow; its servers are told (volume-extended).
    VOLUMES.extend(ctx, volume, args['new_size'],
                   in_use=microversion.is_supported(req, '3.42'))


def _reset_status(req, ctx, volume, args):
    common.require_admin(ctx)
    if not isinstance(args, dict):
        raise exception.Invalid("Invalid input received: os-reset_status requires a body")
    VOLUMES.reset_status(ctx, volume, args.get('status'), args.get('attach_status'))


_ACTIONS = {'os-extend': _extend, 'os-reset_status': _reset_status}


def action(req, volume_id):
    try:
        document = json.loads(req.body or b'null')
    except ValueError:
        raise exception.Invalid("Malformed request body") from None
    if not isinstance(document, dict) or len(document) != 1:
        raise exception.Invalid("There is no such action")
    name, args = next(iter(document.items()))
    if name not in _ACTIONS:
        raise exception.Invalid(f"There is no such action: {name}")
    ctx = common.context(req)
    _ACTIONS[name](req, ctx, VOLUMES.get(ctx, volume_id), args)
    return common.empty_response(202)
