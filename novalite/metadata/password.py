"""``/openstack/<version>/password`` (from 2013-04-04): the password a guest posts.

cloud-init and cloudbase-init post the password they set, encrypted with
the instance's public key and base64-encoded, once: a second post is a
409 until ``DELETE /servers/{id}/os-server-password`` clears it, and a
post of more than the four 255-character chunks Nova keeps is a 400.
``GET`` answers what is stored ('' when nothing is), the text
``os-server-password`` shows (:mod:`novalite.compute.server_password`).
"""

import webob.exc

from novalite.compute import server_password
from novalite.db import instances

NAME = 'password'
MAX_SIZE = server_password.CHUNKS * server_password.CHUNK_LENGTH


def handle(req, instance):
    """Answer a read, or store a post; returns the response body."""
    if req.method in ('GET', 'HEAD'):
        return server_password.extract_password(instance).encode()
    if req.method != 'POST':
        raise webob.exc.HTTPMethodNotAllowed(headers={'Allow': 'GET, HEAD, POST'})
    if server_password.extract_password(instance):
        raise webob.exc.HTTPConflict()
    sysmeta = dict(instance['system_metadata'] or {},
                   **server_password.convert_password(_posted_text(req)))
    instances.instance_update(instance['uuid'], {'system_metadata': sysmeta})
    return b''


def _posted_text(req):
    """The posted password. :raises HTTPBadRequest: too large, or not ASCII text."""
    claimed = req.content_length or 0
    # Read no more than one byte past the limit, whatever the body claims.
    body = b'' if claimed > MAX_SIZE else req.body_file.read(MAX_SIZE + 1)
    if max(claimed, len(body)) > MAX_SIZE:
        raise webob.exc.HTTPBadRequest(explanation="Request is too large.")
    try:
        return body.decode('ascii')
    except UnicodeDecodeError:
        raise webob.exc.HTTPBadRequest(
            explanation="The password must be base64 text.") from None
