"""What the image API's handlers share: the store, ownership checks, errors."""

from novalite import exception
from novalite.api import wsgi
from novalite.image import fields, local


class UnsupportedMediaType(exception.NovaliteException):
    code = 415


def store():
    """The store of ``[image] images_path`` (read per request: tests change it)."""
    return local.get_image_service()


def owned(req, image_id):
    """The image's record if the caller may change it.

    :raises ImageNotFound: the caller cannot see the image.
    :raises Forbidden: the caller sees it but does not own it.
    """
    ctx = wsgi.context(req)
    record = store().show(image_id, ctx)
    if not fields.mutable(record, ctx):
        raise exception.Forbidden(f"You are not permitted to modify image {image_id}.")
    return record
