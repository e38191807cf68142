"""Volume attachments (microversion 3.27+): how Nova attaches volumes since Queens.

create reserves the volume for a server (with a connector it also returns
connection_info), update sends the host's connector and gets connection_info
back, ``os-complete`` (3.44) marks the volume in-use, delete frees it. The
view's connection_info is flat, as Cinder's: ``driver_volume_type`` beside
the target's keys, no ``data`` wrapper.
"""

import json

from novalite import exception
from novalite.db import volumes as db
from novalite.volume.wsgi import common, microversion
from novalite.volume.wsgi.volumes import VOLUMES

_STATUS = {'reserved': 'reserved', 'attaching': 'attaching', 'attached': 'attached',
           'detached': 'detached'}


def _view(attachment, detail=True):
    view = {'id': attachment['uuid'], 'status': _STATUS[attachment['attach_status']],
            'instance': attachment['instance_uuid'], 'volume_id': attachment['volume_uuid']}
    if detail:
        view.update(attached_at=common.isotime(attachment['attach_time']),
                    detached_at=common.isotime(attachment['detach_time']),
                    attach_mode=attachment['attach_mode'],
                    connection_info=attachment['connection_info'] or {})
    return view


def _list(req, detail):
    ctx = common.context(req)
    filters = {}
    for param, column in (('volume_id', 'volume_uuid'), ('instance_id', 'instance_uuid')):
        if req.GET.get(param):
            filters[column] = req.GET[param]
    found = []
    for attachment in db.attachment_get_all(filters):
        try:
            VOLUMES.get(ctx, attachment['volume_uuid'])
        except exception.VolumeNotFound:
            continue
        found.append(_view(attachment, detail))
    return common.json_response({'attachments': found})


@microversion.require_version('3.27')
def index(req):
    return _list(req, detail=False)


@microversion.require_version('3.27')
def detail(req):
    return _list(req, detail=True)


@microversion.require_version('3.27')
def show(req, attachment_id):
    attachment = VOLUMES.attachment_get(common.context(req), attachment_id)
    return common.json_response({'attachment': _view(attachment)})


@microversion.require_version('3.27')
def create(req):
    values = common.body(req, 'attachment')
    volume_id, instance_uuid = values.get('volume_uuid'), values.get('instance_uuid')
    if not volume_id:
        raise exception.Invalid("Invalid input received: volume_uuid is required")
    ctx = common.context(req)
    volume = VOLUMES.get(ctx, volume_id)
    # 3.54: the mode is taken; before, Cinder attaches read-write whatever is sent.
    mode = (values.get('mode') or 'rw') if microversion.is_supported(req, '3.54') else 'rw'
    attachment = VOLUMES.attachment_create(ctx, volume, instance_uuid,
                                           connector=values.get('connector'), mode=mode)
    return common.json_response({'attachment': _view(attachment)})


@microversion.require_version('3.27')
def update(req, attachment_id):
    values = common.body(req, 'attachment')
    ctx = common.context(req)
    attachment = VOLUMES.attachment_get(ctx, attachment_id)
    attachment = VOLUMES.attachment_update(ctx, attachment, values.get('connector'))
    return common.json_response({'attachment': _view(attachment)})


@microversion.require_version('3.27')
def delete(req, attachment_id):
    ctx = common.context(req)
    remaining = VOLUMES.attachment_delete(ctx, VOLUMES.attachment_get(ctx, attachment_id))
    return common.json_response({'attachments': [_view(a, detail=False) for a in remaining]})


@microversion.require_version('3.44')
def action(req, attachment_id):
    try:
        document = json.loads(req.body or b'null')
    except ValueError:
        raise exception.Invalid("Malformed request body") from None
    if not isinstance(document, dict) or 'os-complete' not in document:
        raise exception.Invalid("There is no such action")
    ctx = common.context(req)
    VOLUMES.attachment_complete(ctx, VOLUMES.attachment_get(ctx, attachment_id))
    return common.empty_response(204)
