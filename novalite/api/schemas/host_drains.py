"""Schema of ``POST /os-host-drains``."""

from novalite.api.schemas import types

create = {
    'type': 'object',
    'properties': {
        'host_drain': {
            'type': 'object',
            'properties': {
                'host': types.hostname,
                'mode': {'type': 'string', 'enum': ['live', 'cold']},
                'max_outbound_per_host': {'type': 'integer', 'minimum': 1, 'maximum': 1000},
                'max_parallel': {'type': 'integer', 'minimum': 1, 'maximum': 1000},
            },
            'required': ['host'],
            'additionalProperties': False,
        },
    },
    'required': ['host_drain'],
    'additionalProperties': False,
}
