"""Schemas of the image and shelve server actions (Nova's ``create_backup.py``,
``servers.py`` createImage and ``shelve.py``)."""

from novalite.api.schemas import types

_image_metadata = dict(types.metadata)

create_image = {
    'type': 'object',
    'properties': {'createImage': {
        'type': 'object',
        'properties': {'name': types.name, 'metadata': _image_metadata},
        'required': ['name'],
        'additionalProperties': False,
    }},
    'required': ['createImage'],
    'additionalProperties': False,
}

create_backup = {
    'type': 'object',
    'properties': {'createBackup': {
        'type': 'object',
        'properties': {
            'name': types.name,
            'backup_type': {'type': 'string', 'maxLength': 255},
            'rotation': types.non_negative_integer,
            'metadata': _image_metadata,
        },
        'required': ['name', 'backup_type', 'rotation'],
        'additionalProperties': False,
    }},
    'required': ['createBackup'],
    'additionalProperties': False,
}

shelve = {'type': 'object', 'properties': {'shelve': {'type': ['object', 'null']}},
          'required': ['shelve'], 'additionalProperties': False}
shelve_offload = {'type': 'object',
                  'properties': {'shelveOffload': {'type': ['object', 'null']}},
                  'required': ['shelveOffload'], 'additionalProperties': False}

# Before 2.77 the body is not looked at beyond its key.
unshelve = {'type': 'object', 'properties': {'unshelve': {}}, 'required': ['unshelve'],
            'additionalProperties': False}

# {"unshelve": null} or {"unshelve": {"availability_zone": "az"}}; not {"unshelve": {}}.
unshelve_v277 = {
    'type': 'object',
    'properties': {'unshelve': {
        'type': ['object', 'null'],
        'properties': {'availability_zone': types.name},
        'required': ['availability_zone'],
        'additionalProperties': False,
    }},
    'required': ['unshelve'],
    'additionalProperties': False,
}

unshelve_v291 = {
    'type': 'object',
    'properties': {'unshelve': {'oneOf': [
        {'type': 'object',
         'properties': {
             'availability_zone': {'oneOf': [{'type': 'null'},
                                             {'type': 'string', 'maxLength': 255}]},
             'host': {'type': 'string', 'minLength': 1, 'maxLength': 255},
         },
         'additionalProperties': False},
        {'type': 'null'},
    ]}},
    'required': ['unshelve'],
    'additionalProperties': False,
}
