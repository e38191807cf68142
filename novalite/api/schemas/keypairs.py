"""Schemas of os-keypairs (Nova's keypairs schemas).

2.2 adds ``type``, 2.10 ``user_id`` (admins), 2.35 paging; 2.92 makes
``public_key`` required (no more server-side generation) and lets names hold
``.`` and ``@``. Query strings refuse unknown parameters from 2.75.
"""

import copy

from novalite.api.schemas import types

_keypair = {
    'type': 'object',
    'properties': {
        'name': types.name,
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

create_v292 = copy.deepcopy(create_v210)
create_v292['properties']['keypair']['properties']['name'] = {
    'type': 'string', 'minLength': 1, 'maxLength': 255, 'pattern': r'^[a-zA-Z0-9 _.@-]+$'}
create_v292['properties']['keypair']['required'] = ['name', 'public_key']

_user = {'user_id': {'type': 'string', 'maxLength': 255}}

index_query = {'type': 'object', 'properties': {}, 'additionalProperties': True}
index_query_v210 = {'type': 'object', 'properties': dict(_user), 'additionalProperties': True}
index_query_v235 = {'type': 'object', 'properties': dict(_user, **types.pagination),
                    'additionalProperties': True}
index_query_v275 = dict(index_query_v235, additionalProperties=False)

show_query = index_query
show_query_v210 = index_query_v210
show_query_v275 = dict(index_query_v210, additionalProperties=False)
