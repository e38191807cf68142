"""Schemas of os-extra_specs (Nova's flavors_extraspecs schemas)."""

import copy

_specs = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': ['string', 'number'], 'maxLength': 255},
    },
    'additionalProperties': False,
}

create = {
    'type': 'object',
    'properties': {'extra_specs': _specs},
    'required': ['extra_specs'],
    'additionalProperties': False,
}

update = copy.deepcopy(_specs)
update.update({'minProperties': 1, 'maxProperties': 1})
