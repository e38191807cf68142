"""Volume attachments of a server: ``/servers/{id}/os-volume_attachments[/{volume_id}]``.

Microversions: 2.49 lets an attach carry a ``tag``; a multiattach volume is a 400
before 2.60, then a 409 (no driver shares a disk); 2.70 shows it; 2.79 adds
``delete_on_termination`` to the attach and the view; 2.85 makes PUT update
``delete_on_termination`` (swapping volumes is not supported: 400 before
2.85 unless the same volume is named); 2.89 drops the view's ``id`` and
shows ``attachment_id`` and ``bdm_uuid``. The attach answers at once, as
Nova's does; the host attaches in the background.
"""

from novalite import exception
from novalite.api import microversion, servers, validation, wsgi
from novalite.api.policies.volume_attachments import ROOT as RULE
from novalite.api.schemas import volume_attachments as schemas
from novalite.compute import attach
from novalite.conf import CONF
from novalite.db import block_device_mappings as bdms


def view(req, instance_uuid, bdm):
    """One attachment as Nova shows it at the request's microversion."""
    body = {'device': bdm['device_name'], 'serverId': instance_uuid,
            'volumeId': bdm['volume_id']}
    if not microversion.is_supported(req, '2.89'):
        body['id'] = bdm['volume_id']
    if microversion.is_supported(req, '2.70'):
        body['tag'] = bdm['tag']
    if microversion.is_supported(req, '2.79'):
        body['delete_on_termination'] = bool(bdm['delete_on_termination'])
    if microversion.is_supported(req, '2.89'):
        body['attachment_id'] = bdm['attachment_id']
        body['bdm_uuid'] = bdm['uuid']
    return body


def _volume_bdms(instance_uuid):
    return [bdm for bdm in bdms.bdm_get_by_instance(instance_uuid) if bdm['volume_id']]


def _paging(req):
    """``(offset, limit)`` of a listing. :raises ValidationError: not numbers >= 0."""
    values = []
    for name, default in (('offset', 0), ('limit', CONF.api.max_limit)):
        text = req.GET.get(name, default)
        if not str(text).isdigit():
            raise exception.ValidationError(field=name, detail=f"Value: {text}. Invalid.")
        values.append(int(text))
    return values[0], min(values[1], CONF.api.max_limit)


def index(req, server_id):
    instance = servers.get_instance(req, server_id, RULE % 'index')
    offset, limit = _paging(req)
    page = _volume_bdms(instance['uuid'])[offset:offset + limit]
    return wsgi.json_response({'volumeAttachments': [view(req, instance['uuid'], bdm)
                                                     for bdm in page]})


def show(req, server_id, volume_id):
    instance = servers.get_instance(req, server_id, RULE % 'show')
    bdm = bdms.bdm_get_by_volume(instance['uuid'], volume_id)
    return wsgi.json_response({'volumeAttachment': view(req, instance['uuid'], bdm)})


@validation.body(schemas.create, '2.0', '2.48')
@validation.body(schemas.create_v249, '2.49', '2.78')
@validation.body(schemas.create_v279, '2.79')
def create(req, server_id):
    body = validation.load_body(req)['volumeAttachment']
    instance = servers.get_instance(req, server_id, RULE % 'create')
    try:
        bdm = attach.attach(wsgi.context(req), servers.COMPUTE.compute_rpcapi, instance,
                            body['volumeId'], device=body.get('device'), tag=body.get('tag'),
                            delete_on_termination=body.get('delete_on_termination', False))
    except exception.MultiattachNotSupportedByVirtDriver:
        if not microversion.is_supported(req, '2.60'):
            raise exception.Invalid("Multiattach volumes are only supported starting with "
                                    "compute API version 2.60.") from None
        raise
    return wsgi.json_response({'volumeAttachment': view(req, instance['uuid'], bdm)})


@validation.body(schemas.update_v285, '2.85')
def update(req, server_id, volume_id):
    if not microversion.is_supported(req, '2.85'):
        raise exception.Invalid("Swapping volumes is not supported by novalite")
    body = validation.load_body(req)['volumeAttachment']
    instance = servers.get_instance(req, server_id, RULE % 'update')
    if body['volumeId'] != volume_id:
        raise exception.Invalid("Swapping volumes is not supported by novalite: "
                                "volumeId must name the attached volume")
    if 'delete_on_termination' in body:
        attach.update(wsgi.context(req), instance, volume_id, body['delete_on_termination'])
    return wsgi.empty_response(202)


def delete(req, server_id, volume_id):
    instance = servers.get_instance(req, server_id, RULE % 'delete')
    attach.detach(wsgi.context(req), servers.COMPUTE.compute_rpcapi, instance, volume_id)
    return wsgi.empty_response(202)
