"""Schemas of os-aggregates: create, update, the three actions and image pre-caching."""

from novalite.api.schemas import types

_zone = {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255, 'format': 'name'}

create = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {'name': types.name, 'availability_zone': _zone},
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {'name': types.name, 'availability_zone': _zone},
            'additionalProperties': False,
            'minProperties': 1,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}


def _host_action(name):
    return {
        'type': 'object',
        'properties': {
            name: {
                'type': 'object',
                'properties': {'host': types.hostname},
                'required': ['host'],
                'additionalProperties': False,
            },
        },
        'required': [name],
        'additionalProperties': False,
    }


add_host = _host_action('add_host')
remove_host = _host_action('remove_host')

set_metadata = {
    'type': 'object',
    'properties': {
        'set_metadata': {
            'type': 'object',
            'properties': {
                'metadata': {
                    'type': 'object',
                    'patternProperties': {
                        '^[a-zA-Z0-9-_:. /]{1,255}$': {'type': ['string', 'null'],
                                                        'maxLength': 255},
                    },
                    'additionalProperties': False,
                },
            },
            'required': ['metadata'],
            'additionalProperties': False,
        },
    },
    'required': ['set_metadata'],
    'additionalProperties': False,
}

# POST /os-aggregates/{id}/images (2.81): the images to pre-cache.
images = {
    'type': 'object',
    'properties': {
        'cache': {
            'type': 'array',
            'minItems': 1,
            'items': {
                'type': 'object',
                'properties': {'id': types.uuid},
                'required': ['id'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['cache'],
    'additionalProperties': False,
}
