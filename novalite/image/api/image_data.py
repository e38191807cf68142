"""``/v2/images/{id}/file``: upload (``PUT``) and download (``GET``) of image data.

An upload streams the request body into the store, which hashes it
(``checksum`` md5, ``os_hash_value`` sha512) as it writes; the image goes
``queued`` → ``saving`` → ``active``, or back to ``queued`` when the upload
fails. A download streams the data with ``Content-MD5`` so that a client
can check what it got; novalite's own image client checks the sha512 too.
"""

import webob

from novalite import exception
from novalite.api import wsgi
from novalite.image.api import common

_CHUNK = 64 * 1024


def upload(req, image_id):
    if req.content_type != 'application/octet-stream':
        raise common.UnsupportedMediaType(
            f"Unsupported Content-Type {req.content_type!r}; use application/octet-stream")
    record = common.owned(req, image_id)
    if not record.get('disk_format') or not record.get('container_format'):
        raise exception.Invalid("Properties disk_format, container_format must be set prior "
                                "to saving data.")
    common.store().upload(image_id, _body_chunks(req.environ))
    return wsgi.empty_response(204)


def _body_chunks(environ):
    """The request body in chunks, whether it has a length or is chunked."""
    stream = environ['wsgi.input']
    remaining = environ.get('CONTENT_LENGTH')
    remaining = int(remaining) if remaining not in (None, '') else None
    while remaining is None or remaining > 0:
        chunk = stream.read(_CHUNK if remaining is None else min(_CHUNK, remaining))
        if not chunk:
            break
        if remaining is not None:
            remaining -= len(chunk)
        yield chunk


def download(req, image_id):
    store = common.store()
    record = store.show(image_id, wsgi.context(req))
    chunks = store.data(image_id)
    if chunks is None:
        return wsgi.empty_response(204)
    response = webob.Response(status=200, content_type='application/octet-stream')
    response.app_iter = chunks
    response.content_length = record['size']
    response.headers['Content-MD5'] = record['checksum']
    return response
