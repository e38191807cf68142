"""Volumes: create, list (with detail and filters), show, update, delete, actions.

Views follow Cinder's: the summary is id, name and links; the detail adds
status, size, attachments (server, attachment, device, host), bootable as a
string and the owner's project under ``os-vol-tenant-attr:tenant_id``; and
what each microversion adds up to 3.68 (group_id 3.13, provider_id for an
admin 3.21, shared_targets and service_uuid 3.48, cluster_name for an admin
3.61, volume_type_id 3.63, consumes_quota 3.65). From 3.53 a create or
update body with a key Cinder's schema does not know is refused, and an
update must change something; from 3.46 an image made of a volume-backed
server's snapshot (a ``bdm_v2`` image) makes the volume from the snapshot.
"""

import json

from novalite import exception
from novalite.api import wsgi as compute_wsgi
from novalite.db import services
from novalite.db import volume_snapshots as snapshot_db
from novalite.db import volumes as db
from novalite.image import local as local_image
from novalite.volume import api as volume_api
from novalite.volume.wsgi import common, listing, microversion

VOLUMES = volume_api.API()

_FILTERS = {'name': 'display_name', 'status': 'status', 'bootable': 'bootable',
            'availability_zone': 'availability_zone'}
_SORT_KEYS = {'created_at': 'created_at', 'updated_at': 'updated_at', 'name': 'display_name',
              'size': 'size', 'status': 'status', 'id': 'id'}
# Cinder's create_volume_v353 and update_volume_v353 schemas.
_CREATE_KEYS = {'name', 'description', 'display_name', 'display_description', 'volume_type',
                'metadata', 'snapshot_id', 'source_volid', 'consistencygroup_id', 'size',
                'availability_zone', 'multiattach', 'image_id', 'imageRef', 'group_id',
                'backup_id'}
_UPDATE_KEYS = {'name': 'display_name', 'display_name': 'display_name',
                'description': 'display_description',
                'display_description': 'display_description', 'metadata': 'volume_metadata'}


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
    view.update(_versioned_fields(req, ctx, volume))
    return view


def _versioned_fields(req, ctx, volume):
    fields = {}
    for version, key, value, admin_only in (
            ('3.13', 'group_id', None, False), ('3.21', 'provider_id', None, True),
            # One target per volume: os-brick needs no lock around its scans.
            ('3.48', 'shared_targets', False, False),
            ('3.48', 'service_uuid', lambda: _service_uuid(req, volume['host']), False),
            ('3.61', 'cluster_name', None, True),
            ('3.63', 'volume_type_id', volume_api.DEFAULT_TYPE_ID, False),
            ('3.65', 'consumes_quota', True, False)):
        if microversion.is_supported(req, version) and (ctx.is_admin or not admin_only):
            fields[key] = value() if callable(value) else value
    return fields


def _service_uuid(req, host):
    """The uuid of the volume service on ``host`` (the services read once per request)."""
    known = req.environ.setdefault('novalite.volume_services', {})
    if not known:
        known.update((service['host'], service['uuid']) for service
                     in services.service_get_all(binary=volume_api.VOLUME_BINARY))
        known.setdefault(None, None)
    return known.get(host)


def _summary_view(req, volume):
    return {'id': volume['uuid'], 'name': volume['display_name'],
            'links': common.links(req, 'volumes', volume['uuid'])}


def _list(req, detail):
    ctx = common.context(req)
    limit, marker = common.limit_and_marker(req)
    sort_key, sort_dir = listing.sort_of(req, _SORT_KEYS)
    if marker:
        VOLUMES.get(ctx, marker)
    filters = listing.filters_of(req, ctx, _FILTERS, time_filters=True)
    found = [] if listing.matches_nothing(req) else db.volume_get_all(
        filters, limit=limit, marker=marker, sort_key=sort_key, sort_dir=sort_dir)
    if detail:
        attached = db.attachments_by_volume([v['uuid'] for v in found])
        items = [detail_view(req, v, attached[v['uuid']]) for v in found]
    else:
        items = [_summary_view(req, v) for v in found]
    return listing.page(req, 'volumes', items, limit, lambda: db.volume_count(filters), detail)


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
    _check_keys(req, values, _CREATE_KEYS)
    if values.get('backup_id') and microversion.is_supported(req, '3.47'):
        # novalite-volume keeps no backups: every id names an unknown one.
        raise exception.NotFound(f"Backup {values['backup_id']} could not be found.")
    for unsupported in ('source_volid', 'group_id'):
        if values.get(unsupported):
            raise exception.Invalid(f"{unsupported} is not supported by novalite-volume")
    if values.get('multiattach'):
        raise exception.Invalid("multiattach volumes are not supported by novalite-volume")
    metadata = values.get('metadata') or {}
    if not isinstance(metadata, dict):
        raise exception.Invalid("Invalid metadata: it must be an object")
    image_id = values.get('imageRef') or values.get('image_id')
    snapshot_id = values.get('snapshot_id')
    nova_snapshot = _nova_image_snapshot(image_id) \
        if image_id and microversion.is_supported(req, '3.46') else None
    if nova_snapshot:
        image_id, snapshot_id = None, nova_snapshot
    volume = VOLUMES.create(
        common.context(req), values.get('size'),
        name=values.get('name') or values.get('display_name'),
        description=values.get('description') or values.get('display_description'),
        image_id=image_id, availability_zone=values.get('availability_zone'),
        metadata=metadata, volume_type=values.get('volume_type'), snapshot_id=snapshot_id)
    return _show(req, volume, status=202)


def _check_keys(req, values, known):
    """3.53: a key Cinder's schema does not know is a 400."""
    unknown = sorted(set(values) - set(known))
    if unknown and microversion.is_supported(req, '3.53'):
        raise exception.Invalid(f"Invalid input for field/attribute volume. Additional "
                                f"properties are not allowed ({', '.join(unknown)} were "
                                f"unexpected)")


def _nova_image_snapshot(image_id):
    """The boot snapshot an image of a volume-backed server holds (3.46), or None.

    :raises NotFound: the image names a snapshot that is gone (404, as Cinder).
    """
    try:
        image = local_image.get_image_service().show(image_id)
    except exception.ImageNotFound:
        return None
    properties = image.get('properties') or {}
    mappings = properties.get('block_device_mapping') or []
    if isinstance(mappings, str):
        try:
            mappings = json.loads(mappings)
        except ValueError:
            return None
    boot = [m for m in mappings if m.get('source_type') == 'snapshot'
            and str(m.get('boot_index')) == '0']
    if not boot:
        return None
    snapshot_id = boot[0].get('snapshot_id')
    try:
        snapshot_db.snapshot_get(snapshot_id)
    except exception.SnapshotNotFound:
        raise exception.NotFound(f"Nova specific image is found, but boot volume snapshot "
                                 f"id:{snapshot_id} not found.") from None
    return snapshot_id


def update(req, volume_id):
    values = common.body(req, 'volume')
    _check_keys(req, values, _UPDATE_KEYS)
    changes = {column: values[key] for key, column in _UPDATE_KEYS.items() if key in values}
    ctx = common.context(req)
    volume = VOLUMES.get(ctx, volume_id)
    if changes:
        volume = VOLUMES.update(ctx, volume, changes)
    elif microversion.is_supported(req, '3.53'):
        raise exception.Invalid("Invalid input for field/attribute volume. Value: {}. {} "
                                "does not have enough properties")
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


def _reimage(req, ctx, volume, args):
    """3.68: write an image over the volume's data (Cinder's ``os-reimage``)."""
    if not isinstance(args, dict) or not args.get('image_id'):
        raise exception.Invalid("Invalid input for field/attribute os-reimage. 'image_id' "
                                "is a required property")
    unknown = sorted(set(args) - {'image_id', 'reimage_reserved'})
    if unknown:
        raise exception.Invalid(f"Additional properties are not allowed ({', '.join(unknown)} "
                                f"were unexpected)")
    VOLUMES.reimage(ctx, volume, args['image_id'], compute_wsgi.parse_bool(
        args.get('reimage_reserved', False), 'reimage_reserved'))


# Each action from the version that has it (Cinder: "There is no such action" before).
def _begin_detaching(req, ctx, volume, args):
    VOLUMES.begin_detaching(ctx, volume)


def _roll_detaching(req, ctx, volume, args):
    VOLUMES.roll_detaching(ctx, volume)


_ACTIONS = {'os-extend': ('3.0', _extend), 'os-reset_status': ('3.0', _reset_status),
            'os-reimage': ('3.68', _reimage),
            'os-begin_detaching': ('3.0', _begin_detaching),
            'os-roll_detaching': ('3.0', _roll_detaching)}


def action(req, volume_id):
    try:
        document = json.loads(req.body or b'null')
    except ValueError:
        raise exception.Invalid("Malformed request body") from None
    if not isinstance(document, dict) or len(document) != 1:
        raise exception.Invalid("There is no such action")
    name, args = next(iter(document.items()))
    if name not in _ACTIONS or not microversion.is_supported(req, _ACTIONS[name][0]):
        raise exception.Invalid(f"There is no such action: {name}")
    ctx = common.context(req)
    _ACTIONS[name][1](req, ctx, VOLUMES.get(ctx, volume_id), args)
    return common.empty_response(202)
