"""os-keypairs: public keys a user imports and names at server create.

novalite imports keys only; it does not generate key pairs. 2.2 adds the
key ``type`` and answers create with 201 and delete with 204; 2.10 lets an
admin act on another user's keys with ``user_id``.
"""

import base64
import binascii
import hashlib

from novalite import exception
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.policies import keypairs as rules
from novalite.api.schemas import keypairs as schemas
from novalite.db import keypairs as db_keypairs


def fingerprint(public_key):
    """The MD5 fingerprint of an OpenSSH public key, ``aa:bb:...``.

    :raises InvalidKeypair: not an OpenSSH public key.
    """
    fields = public_key.strip().split()
    try:
        blob = base64.b64decode(fields[1], validate=True)
    except (IndexError, binascii.Error):
        raise exception.InvalidKeypair(reason="failed to parse the public key") from None
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _user_id(req, rule, requested=None):
    """The user whose keys the request acts on, if ``rule`` lets the caller (403 otherwise).

    From 2.10 an administrator names another user with ``user_id``.
    """
    ctx = wsgi.context(req)
    user_id = ctx.user_id
    if microversion.is_supported(req, '2.10'):
        user_id = requested or req.GET.get('user_id') or user_id
    policy.authorize(ctx, rule, {'user_id': user_id})
    return user_id


def _view(req, keypair, full=False):
    view = {'name': keypair['name'], 'public_key': keypair['public_key'],
            'fingerprint': keypair['fingerprint']}
    if microversion.is_supported(req, '2.2'):
        view['type'] = keypair['type']
    if full:
        view.update({'user_id': keypair['user_id'], 'id': keypair['id'], 'deleted': False,
                     'created_at': wsgi.precise_time(keypair['created_at']),
                     'updated_at': wsgi.precise_time(keypair['updated_at']),
                     'deleted_at': None})
    return view


def index(req):
    found = db_keypairs.keypair_get_all(_user_id(req, rules.INDEX))
    return wsgi.json_response({'keypairs': [{'keypair': _view(req, kp)} for kp in found]})


def show(req, keypair_name):
    keypair = db_keypairs.keypair_get(_user_id(req, rules.SHOW), keypair_name)
    return wsgi.json_response({'keypair': _view(req, keypair, full=True)})


@validation.body(schemas.create, '2.0', '2.1')
@validation.body(schemas.create_v22, '2.2', '2.9')
@validation.body(schemas.create_v210, '2.10')
def create(req):
    spec = validation.load_body(req)['keypair']
    if not spec.get('public_key'):
        raise exception.Invalid("novalite does not generate key pairs: import one "
                                "with public_key")
    keypair = db_keypairs.keypair_create({
        'name': spec['name'], 'user_id': _user_id(req, rules.CREATE, spec.get('user_id')),
        'public_key': spec['public_key'].strip(),
        'fingerprint': fingerprint(spec['public_key']), 'type': spec.get('type', 'ssh')})
    view = dict(_view(req, keypair), user_id=keypair['user_id'])
    status = 201 if microversion.is_supported(req, '2.2') else 200
    return wsgi.json_response({'keypair': view}, status=status)


def delete(req, keypair_name):
    db_keypairs.keypair_destroy(_user_id(req, rules.DELETE), keypair_name)
    return wsgi.empty_response(204 if microversion.is_supported(req, '2.2') else 202)
