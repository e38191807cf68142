"""os-keypairs: the key pairs a user imports, or has generated, and names at server create.

Without ``public_key`` (below 2.92) the server generates the pair and
answers the private key once. 2.2 adds the ``x509`` type and answers create
with 201 and delete with 204; 2.10 lets an admin act on another user's keys
with ``user_id``; 2.35 pages listings; 2.92 requires ``public_key``. Each
user may hold ``[quota] key_pairs`` of them.
"""

import string

from novalite import exception, quota
from novalite.api import microversion, policy, validation, wsgi
from novalite.api.policies import keypairs as rules
from novalite.api.schemas import keypairs as schemas
from novalite.db import keypairs as db_keypairs

# Names Nova accepted before 2.92 widened them.
_SAFE_NAME_CHARS = frozenset('_- ' + string.digits + string.ascii_letters)


def _query(req, schemas_by_version):
    for version, schema in schemas_by_version:
        if microversion.is_supported(req, version):
            return validation.query(req, schema)
    return {}


def _index_query(req):
    return _query(req, (('2.75', schemas.index_query_v275), ('2.35', schemas.index_query_v235),
                        ('2.10', schemas.index_query_v210), ('2.0', schemas.index_query)))


def _show_query(req):
    return _query(req, (('2.75', schemas.show_query_v275), ('2.10', schemas.show_query_v210),
                        ('2.0', schemas.show_query)))


def _user_id(req, rule, requested=None):
    """The user acted on: the caller, or (2.10, if policy allows) the one asked for."""
    ctx = wsgi.context(req)
    user_id = ctx.user_id
    if requested and microversion.is_supported(req, '2.10'):
        user_id = requested
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
    params = _index_query(req)
    user_id = _user_id(req, rules.INDEX, params.get('user_id'))
    limit, marker = None, None
    if microversion.is_supported(req, '2.35'):
        limit, marker = wsgi.limit_and_marker(params)
    found = db_keypairs.keypair_get_all(user_id, limit=limit, marker=marker)
    body = {'keypairs': [{'keypair': _view(req, kp)} for kp in found]}
    if limit and len(found) == limit:
        body['keypairs_links'] = wsgi.Links(req).next(req, 'os-keypairs', found[-1]['name'])
    return wsgi.json_response(body)


def show(req, keypair_name):
    user_id = _user_id(req, rules.SHOW, _show_query(req).get('user_id'))
    keypair = db_keypairs.keypair_get(user_id, keypair_name)
    return wsgi.json_response({'keypair': _view(req, keypair, full=True)})


def _key_material(req, spec, user_id):
    """``(public key, private key or None, fingerprint)``: the import, or a generated pair.

    :raises InvalidKeypair: the imported key is not a key of its type.
    """
    # Here, not at the top: ``cryptography`` is ~10 MiB in every API
    # process, and only key pair creation uses it.
    from novalite import crypto

    key_type = spec.get('type', 'ssh')
    if spec.get('public_key') is not None:
        public, private = spec['public_key'].strip(), None
    elif key_type == 'x509':
        private, public = crypto.generate_x509_pair(user_id, wsgi.context(req).project_id)
    else:
        private, public = crypto.generate_ssh_pair()
    return public, private, crypto.fingerprint(public, key_type)


@validation.body(schemas.create, '2.0', '2.1')
@validation.body(schemas.create_v22, '2.2', '2.9')
@validation.body(schemas.create_v210, '2.10', '2.91')
@validation.body(schemas.create_v292, '2.92')
def create(req):
    spec = validation.load_body(req)['keypair']
    user_id = _user_id(req, rules.CREATE, spec.get('user_id'))
    if not microversion.is_supported(req, '2.92') and \
            not set(spec['name']) <= _SAFE_NAME_CHARS:
        raise exception.InvalidKeypair(reason="Keypair name contains unsafe characters")
    key_type = spec.get('type', 'ssh')
    public_key, private_key, fingerprint = _key_material(req, spec, user_id)
    limit = quota.get_limits(wsgi.context(req).project_id, user_id)['key_pairs']
    keypair = db_keypairs.keypair_create(
        {'name': spec['name'], 'user_id': user_id, 'public_key': public_key,
         'fingerprint': fingerprint, 'type': key_type},
        limit=limit)
    view = dict(_view(req, keypair), user_id=keypair['user_id'])
    if private_key is not None:
        view['private_key'] = private_key
    status = 201 if microversion.is_supported(req, '2.2') else 200
    return wsgi.json_response({'keypair': view}, status=status)


def delete(req, keypair_name):
    user_id = _user_id(req, rules.DELETE, _show_query(req).get('user_id'))
    db_keypairs.keypair_destroy(user_id, keypair_name)
    return wsgi.empty_response(204 if microversion.is_supported(req, '2.2') else 202)
