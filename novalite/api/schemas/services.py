"""Schemas of os-services updates: the pre-2.53 ``PUT /os-services/<action>`` bodies."""

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
