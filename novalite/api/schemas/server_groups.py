"""Schemas of os-server-groups: create before and from 2.64, and the list query."""

import copy

from novalite.api.schemas import types

_POLICIES = ['anti-affinity', 'affinity']
_POLICIES_V215 = _POLICIES + ['soft-anti-affinity', 'soft-affinity']

create = {
    'type': 'object',
    'properties': {
        'server_group': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'policies': {
                    'type': 'array',
                    'items': [{'type': 'string', 'enum': _POLICIES}],
                    'uniqueItems': True, 'minItems': 1, 'maxItems': 1,
                    'additionalItems': False,
                },
            },
            'required': ['name', 'policies'],
            'additionalProperties': False,
        },
    },
    'required': ['server_group'],
    'additionalProperties': False,
}

create_v215 = copy.deepcopy(create)
create_v215['properties']['server_group']['properties']['policies']['items'][0][
    'enum'] = _POLICIES_V215

create_v264 = {
    'type': 'object',
    'properties': {
        'server_group': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'policy': {'type': 'string', 'enum': _POLICIES_V215},
                'rules': {
                    'type': 'object',
                    'properties': {'max_server_per_host': types.positive_integer},
                    'additionalProperties': False,
                },
            },
            'required': ['name', 'policy'],
            'additionalProperties': False,
        },
    },
    'required': ['server_group'],
    'additionalProperties': False,
}

index_query = {
    'type': 'object',
    'properties': {
        'all_projects': types.boolean,
        'limit': types.non_negative_integer,
        'offset': types.non_negative_integer,
    },
    # Unknown parameters are ignored before 2.75, refused from it.
    'additionalProperties': True,
}

index_query_v275 = dict(index_query, additionalProperties=False)
