"""``/v2/images``: list, create, show, update (JSON patch), delete, tags.

Who may do what follows Glance's default policy without image members: any
user creates images it owns (``public`` ones only an admin), sees public and
community images and its project's own, and changes or deletes only its
own (an admin: any). An image the caller may not see is a 404.
"""

import urllib.parse

from novalite import exception
from novalite.api import validation, wsgi
from novalite.image import fields
from novalite.image.api import common, patch, query, schema


def index(req):
    ctx = wsgi.context(req)
    asked = query.parse(req.GET)
    store = common.store()
    marker = None
    if asked.marker is not None:
        try:
            marker = store.show(asked.marker, ctx)
        except exception.ImageNotFound:
            raise exception.Invalid(f"marker [{asked.marker}] not found") from None
    found = [record for record in store.list(ctx)
             if query.matches(record, asked.filters, ctx)]
    page, more = query.page(query.ordered(found, asked.sort), asked, marker)
    body = {'images': [fields.to_wire(record) for record in page],
            'schema': '/v2/schemas/images', 'first': _link(req, None)}
    if more:
        body['next'] = _link(req, page[-1]['id'])
    return wsgi.json_response(body)


def _link(req, marker):
    params = [(key, value) for key, value in req.GET.items() if key != 'marker']
    if marker is not None:
        params.append(('marker', marker))
    if not params:
        return '/v2/images'
    return '/v2/images?' + urllib.parse.urlencode(params)


def create(req):
    ctx = wsgi.context(req)
    body = validation.load_body(req)
    if not isinstance(body, dict):
        raise exception.Invalid("Request body must be a JSON object")
    _refuse_protected_names(body)
    validation.validate(schema.CREATE, body)
    if body.get('visibility') == 'public' and not ctx.is_admin:
        raise exception.Forbidden(action='publicize_image')
    values = {key: body[key] for key in ('id', *fields.SETTABLE) if key in body}
    values['owner'] = ctx.project_id
    values['properties'] = {key: value for key, value in body.items()
                            if key not in fields.CORE}
    record = common.store().create_record(values)
    return wsgi.json_response(fields.to_wire(record), status=201,
                              headers={'Location': f"/v2/images/{record['id']}"})


def _refuse_protected_names(body):
    for key in body:
        if key in fields.READ_ONLY:
            raise exception.Forbidden(f"Attribute '{key}' is read-only.")
        if key in fields.RESERVED:
            raise exception.Forbidden(f"Attribute '{key}' is reserved.")


def show(req, image_id):
    record = common.store().show(image_id, wsgi.context(req))
    return wsgi.json_response(fields.to_wire(record))


def update(req, image_id):
    """``PATCH``: a JSON patch in the ``openstack-images-v2.1-json-patch`` media type."""
    if req.content_type not in patch.MEDIA_TYPES:
        raise common.UnsupportedMediaType(
            f"Unsupported Content-Type {req.content_type!r}; use "
            f"{patch.MEDIA_TYPES[0]}")
    changes = patch.parse(validation.load_body(req))
    record = common.owned(req, image_id)
    for change in changes:
        if change.key in ('disk_format', 'container_format') and record['status'] != 'queued':
            raise exception.Forbidden(f"Attribute {change.key} can be only replaced for a "
                                      "queued image.")
    if any(change.key == 'visibility' and change.value == 'public' for change in changes) \
            and not wsgi.context(req).is_admin:
        raise exception.Forbidden(action='publicize_image')
    updated = common.store().update(record['id'], lambda r: patch.apply(r, changes))
    return wsgi.json_response(fields.to_wire(updated))


def delete(req, image_id):
    record = common.owned(req, image_id)
    if record.get('protected'):
        raise exception.Forbidden(f"Image {image_id} is protected and cannot be deleted.")
    common.store().delete(image_id)
    return wsgi.empty_response(204)


def add_tag(req, image_id, tag):
    common.owned(req, image_id)

    def add(record):
        if tag not in record['tags']:
            record['tags'].append(tag)
    common.store().update(image_id, add)
    return wsgi.empty_response(204)


def delete_tag(req, image_id, tag):
    record = common.owned(req, image_id)
    if tag not in record['tags']:
        raise exception.NotFound(f"Tag {tag} not found on image {image_id}.")
    common.store().update(image_id, lambda r: tag in r['tags'] and r['tags'].remove(tag))
    return wsgi.empty_response(204)
