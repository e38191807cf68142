"""Schemas of ``POST /os-server-external-events``: the event names each microversion allows.

As Nova's ``schemas/server_external_events.py``: 2.51 adds ``volume-extended``,
2.76 ``power-update``, 2.82 ``accelerator-request-bound``, 2.93
``volume-reimaged``.
"""

import copy

from novalite.api.schemas import types

STATUSES = ['failed', 'completed', 'in-progress']
_NAMES = ['network-changed', 'network-vif-plugged', 'network-vif-unplugged',
          'network-vif-deleted']

create = {
    'type': 'object',
    'properties': {
        'events': {
            'type': 'array', 'minItems': 1,
            'items': {
                'type': 'object',
                'properties': {
                    'server_uuid': types.uuid,
                    'name': {'type': 'string', 'enum': list(_NAMES)},
                    'status': {'type': 'string', 'enum': STATUSES},
                    'tag': {'type': 'string', 'maxLength': 255},
                },
                'required': ['server_uuid', 'name'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['events'],
    'additionalProperties': False,
}


def _with(schema, name):
    grown = copy.deepcopy(schema)
    grown['properties']['events']['items']['properties']['name']['enum'].append(name)
    return grown


create_v251 = _with(create, 'volume-extended')
create_v276 = _with(create_v251, 'power-update')
create_v282 = _with(create_v276, 'accelerator-request-bound')
create_v293 = _with(create_v282, 'volume-reimaged')
