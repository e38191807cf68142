"""Schemas of os-quota-sets and os-quota-class-sets (Nova's quota_sets and
quota_classes schemas): each version range drops the resources it no longer shows."""

import copy

from novalite.api.schemas import types
from novalite.quota import ALL_RESOURCES, INJECTED_FILES, LEGACY_NETWORK

# -1 is unlimited; the column holds a signed 32-bit integer.
_limit = {'type': ['integer', 'string'], 'pattern': '^-?[0-9]+$', 'maxLength': 11,
          'minimum': -1, 'maximum': types.MAX_INT}


def _update(key, resources, force=False):
    properties = dict.fromkeys(resources, _limit)
    if force:
        properties['force'] = types.boolean
    return {
        'type': 'object',
        'properties': {
            key: {'type': 'object', 'properties': properties, 'additionalProperties': False},
        },
        'required': [key],
        'additionalProperties': False,
    }


_V236 = [r for r in ALL_RESOURCES if r not in LEGACY_NETWORK]
_V257 = [r for r in _V236 if r not in INJECTED_FILES]

update = _update('quota_set', ALL_RESOURCES, force=True)
update_v236 = _update('quota_set', _V236, force=True)
update_v257 = _update('quota_set', _V257, force=True)

class_update = _update('quota_class_set', ALL_RESOURCES)
class_update_v250 = _update('quota_class_set', _V236)
class_update_v257 = _update('quota_class_set', _V257)

query = {'type': 'object', 'properties': {'user_id': {'type': 'string', 'maxLength': 255}},
         'additionalProperties': True}
# 2.75: unknown query parameters are refused.
query_v275 = dict(copy.deepcopy(query), additionalProperties=False)
