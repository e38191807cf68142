"""Schemas of os-keypairs: import a public key (2.2 adds ``type``, 2.10 ``user_id``)."""

import copy

_keypair = {
    'type': 'object',
    'properties': {
        'name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': r'^[a-zA-Z0-9 _.@-]+$'},
        # A TEXT column, in characters of up to four bytes.
        'public_key': {'type': 'string', 'minLength': 1, 'maxLength': 16383},
    },
    'required': ['name'],
    'additionalProperties': False,
}

create = {'type': 'object', 'properties': {'keypair': _keypair}, 'required': ['keypair'],
          'additionalProperties': False}

create_v22 = copy.deepcopy(create)
create_v22['properties']['keypair']['properties']['type'] = {
    'type': 'string', 'enum': ['ssh', 'x509']}

create_v210 = copy.deepcopy(create_v22)
create_v210['properties']['keypair']['properties']['user_id'] = {
    'type': 'string', 'minLength': 1, 'maxLength': 255}
