"""Schemas of the flavors resource (Nova's flavor_manage and flavors schemas)."""

import copy

from novalite.api.schemas import types

_positive = dict(types.positive_integer, maximum=types.MAX_INT)
_non_negative = dict(types.non_negative_integer, maximum=types.MAX_INT)

create = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'id': {
                    'type': ['string', 'number', 'null'],
                    'minLength': 1, 'maxLength': 255,
                    'pattern': '^(?! )[a-zA-Z0-9. _-]+(?<! )$',
                },
                'ram': _positive,
                'vcpus': _positive,
                'disk': _non_negative,
                'OS-FLV-EXT-DATA:ephemeral': _non_negative,
                'swap': _non_negative,
                'rxtx_factor': {
                    'type': ['number', 'string'],
                    'pattern': r'^[0-9]+(\.[0-9]+)?$', 'maxLength': 64,
                    'minimum': 0, 'exclusiveMinimum': True,
                    'maximum': 3.40282e+38,
                },
                'os-flavor-access:is_public': types.boolean,
            },
            'required': ['name', 'ram', 'vcpus', 'disk'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

create_v255 = copy.deepcopy(create)
create_v255['properties']['flavor']['properties']['description'] = types.flavor_description

update_v255 = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {'description': types.flavor_description},
            'required': ['description'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

list_query = {
    'type': 'object',
    'properties': {
        'limit': types.non_negative_integer,
        'marker': types.marker,
        'is_public': types.query_param,
        # Non-integers get the handler's message, as in Nova.
        'minRam': dict(types.query_param, maximum=types.MAX_INT),
        'minDisk': dict(types.query_param, maximum=types.MAX_INT),
        'sort_key': types.query_param,
        'sort_dir': types.query_param,
    },
    'additionalProperties': True,
}
