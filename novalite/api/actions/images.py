"""Image and shelve actions: createImage, createBackup, shelve, shelveOffload, unshelve."""

from novalite import exception, quota
from novalite.api import microversion, policy, servers, wsgi
from novalite.api.actions import Action
from novalite.api.policies import server_images as rules
from novalite.compute import image_actions, shelve_actions, volume_images


def _check_metadata_quota(req, ctx, metadata):
    # Up to 2.38 the compute API proxied image metadata and counted it against
    # the metadata_items quota (Nova's MAX_IMAGE_META_PROXY_API_VERSION).
    if not metadata or microversion.is_supported(req, '2.39'):
        return
    try:
        quota.check_metadata(ctx, metadata)
    except exception.MetadataLimitExceeded:
        raise exception.QuotaExceeded("Image metadata limit exceeded") from None


def _image_response(req, image, location=True):
    """202: ``{"image_id"}`` from 2.45; before it, empty with the image's Location."""
    if microversion.is_supported(req, '2.45'):
        return wsgi.json_response({'image_id': image['id']}, status=202)
    response = wsgi.empty_response(202)
    if location:
        response.headers['Location'] = f"{req.application_url.rstrip('/')}/images/{image['id']}"
    return response


def _create_image(req, ctx, instance, body):
    entity = body['createImage']
    metadata = entity.get('metadata') or {}
    _check_metadata_quota(req, ctx, metadata)
    if image_actions.is_volume_backed(instance):
        image = volume_images.snapshot(ctx, servers.COMPUTE.image_service,
                                       servers.COMPUTE.compute_rpcapi, instance,
                                       entity['name'].strip(), metadata)
    else:
        image = image_actions.snapshot(ctx, servers.COMPUTE.image_service,
                                       servers.COMPUTE.compute_rpcapi, instance,
                                       entity['name'].strip(), metadata)
    return _image_response(req, image)


def _create_backup(req, ctx, instance, body):
    entity = body['createBackup']
    metadata = entity.get('metadata') or {}
    _check_metadata_quota(req, ctx, metadata)
    rotation = int(entity['rotation'])
    image = image_actions.backup(ctx, servers.COMPUTE.image_service,
                                 servers.COMPUTE.compute_rpcapi, instance,
                                 entity['name'].strip(), entity['backup_type'], rotation,
                                 metadata)
    # No Location for a rotation of 0: the backup is rotated out at once.
    return _image_response(req, image, location=rotation > 0)


def _shelve(req, ctx, instance, body):
    shelve_actions.shelve(ctx, servers.COMPUTE.image_service, servers.COMPUTE.compute_rpcapi,
                          instance)
    return wsgi.empty_response(202)


def _shelve_offload(req, ctx, instance, body):
    shelve_actions.shelve_offload(ctx, servers.COMPUTE.compute_rpcapi, instance)
    return wsgi.empty_response(202)


def _unshelve(req, ctx, instance, body):
    options = body['unshelve'] if microversion.is_supported(req, '2.77') else None
    options = options or {}
    host = options.get('host')
    if host:
        policy.authorize(ctx, rules.UNSHELVE_TO_HOST, {'project_id': instance['project_id']})
    zone = options.get('availability_zone', shelve_actions.KEEP_ZONE)
    shelve_actions.unshelve(ctx, servers.COMPUTE.compute_task_api, instance, zone, host)
    return wsgi.empty_response(202)


ACTIONS = {
    'createImage': Action(rules.CREATE_IMAGE, _create_image),
    'createBackup': Action(rules.CREATE_BACKUP, _create_backup),
    'shelve': Action(rules.SHELVE, _shelve),
    'shelveOffload': Action(rules.SHELVE_OFFLOAD, _shelve_offload),
    'unshelve': Action(rules.UNSHELVE, _unshelve),
}
