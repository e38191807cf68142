"""Schemas of os-services updates: ``PUT /os-services/<action>`` before 2.53, by uuid after."""

from novalite.api.schemas import types

_reason = {'type': 'string', 'minLength': 1, 'maxLength': 255}

update = {
    'type': 'object',
    'properties': {
        'host': types.hostname,
        'binary': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'disabled_reason': _reason,
    },
    'required': ['host', 'binary'],
    'additionalProperties': False,
}

update_v211 = {
    'type': 'object',
    'properties': {
        'host': types.hostname,
        'binary': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'disabled_reason': _reason,
        'forced_down': types.boolean,
    },
    'required': ['host', 'binary'],
    'additionalProperties': False,
}

update_v253 = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'disabled_reason': _reason,
        'forced_down': types.boolean,
    },
    'additionalProperties': False,
}
