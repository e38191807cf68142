"""The image proxy: ``/images`` served from the local image service, up to 2.35.

Nova deprecated its proxies to other services at 2.36; from then on these
routes answer 404 and clients talk to the image service directly.
"""

from novalite import exception
from novalite.api import microversion, validation, wsgi
from novalite.api.schemas import images as schemas
from novalite.image import client as image_client

_PROXY_MAX = '2.35'
_STATUS = {'active': 'ACTIVE', 'queued': 'SAVING', 'saving': 'SAVING', 'deleted': 'DELETED',
           'pending_delete': 'DELETED', 'killed': 'ERROR'}
_PROGRESS = {'queued': 25, 'saving': 50, 'active': 100}


def _view(links, image, detail):
    view = {'id': image['id'], 'name': image.get('name'),
            'links': links.resource('images', image['id'])}
    if not detail:
        return view
    properties = image.get('properties') or {}
    view.update({
        'minRam': int(image.get('min_ram') or 0),
        'minDisk': int(image.get('min_disk') or 0),
        'metadata': properties,
        'created': wsgi.isotime(image.get('created_at')),
        'updated': wsgi.isotime(image.get('updated_at') or image.get('created_at')),
        'status': _STATUS.get(image.get('status'), 'UNKNOWN'),
        'progress': _PROGRESS.get(image.get('status'), 0),
        'OS-EXT-IMG-SIZE:size': image.get('size'),
    })
    if 'auto_disk_config' in properties:
        auto = str(properties['auto_disk_config']).lower() == 'true'
        view['OS-DCF:diskConfig'] = 'AUTO' if auto else 'MANUAL'
    return view


def _matches(image, params):
    if params.get('name') and image.get('name') != params['name']:
        return False
    if params.get('status') and _STATUS.get(image.get('status')) != params['status'].upper():
        return False
    if int(image.get('min_ram') or 0) < int(params.get('minRam') or 0):
        return False
    return int(image.get('min_disk') or 0) >= int(params.get('minDisk') or 0)


def _list(req, detail):
    params = validation.query(req, schemas.list_query)
    limit, marker = wsgi.limit_and_marker(params)
    found = [image for image in image_client.get_image_service().list(wsgi.context(req))
             if _matches(image, params)]
    if marker is not None:
        ids = [image['id'] for image in found]
        if marker not in ids:
            raise exception.MarkerNotFound(marker=marker)
        found = found[ids.index(marker) + 1:]
    links = wsgi.Links(req)
    items = [_view(links, image, detail) for image in found[:limit]]
    return wsgi.collection_response(req, links, 'images', items, limit, detail)


@microversion.supported(max_version=_PROXY_MAX)
@validation.query_schemas(('2.0', schemas.list_query))
def index(req):
    return _list(req, detail=False)


@microversion.supported(max_version=_PROXY_MAX)
@validation.query_schemas(('2.0', schemas.list_query))
def detail(req):
    return _list(req, detail=True)


@microversion.supported(max_version=_PROXY_MAX)
def show(req, image_id):
    image = image_client.get_image_service().show(image_id, wsgi.context(req))
    return wsgi.json_response({'image': _view(wsgi.Links(req), image, detail=True)})
