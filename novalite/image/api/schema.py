"""JSON schemas of an image's attributes, as Glance's image schema states them."""

from novalite.image import fields

ATTRIBUTES = {
    'id': {'type': 'string', 'format': 'uuid'},
    'name': {'type': ['null', 'string'], 'maxLength': 255},
    'visibility': {'type': 'string', 'enum': list(fields.VISIBILITIES)},
    'protected': {'type': 'boolean'},
    'os_hidden': {'type': 'boolean'},
    'tags': {'type': 'array', 'items': {'type': 'string', 'maxLength': 255}},
    'disk_format': {'type': ['null', 'string'], 'enum': [None, *fields.DISK_FORMATS]},
    'container_format': {'type': ['null', 'string'],
                         'enum': [None, *fields.CONTAINER_FORMATS]},
    'min_disk': {'type': 'integer', 'minimum': 0},
    'min_ram': {'type': 'integer', 'minimum': 0},
}

# Custom properties are strings, as in Glance's schema.
PROPERTY = {'type': 'string', 'maxLength': 65535}

CREATE = {
    'type': 'object',
    'properties': ATTRIBUTES,
    'additionalProperties': PROPERTY,
}

PATCH = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {
            'op': {'type': 'string', 'enum': ['add', 'replace', 'remove']},
            'path': {'type': 'string', 'pattern': '^/[^/]+$'},
            'value': {},
        },
        'required': ['op', 'path'],
    },
}
