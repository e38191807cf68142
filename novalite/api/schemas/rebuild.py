"""Schemas of the ``rebuild`` and ``evacuate`` server actions, per microversion.

They follow Nova's ``schemas/servers.py`` (rebuild) and
``schemas/evacuate.py``; :data:`REBUILDS` and :data:`EVACUATES` list them
newest microversion first, for :mod:`novalite.api.schemas.server_actions`.
"""

import copy

from novalite.api.schemas import servers, types

# 2.90: a host name as Nova takes it; 2.94: a fully qualified one.
HOSTNAME = {'type': 'string', 'minLength': 2, 'maxLength': 63,
            'pattern': '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$'}
FQDN = {'type': 'string', 'minLength': 2, 'maxLength': 255,
        'pattern': '^[a-zA-Z0-9]+[a-zA-Z0-9.-]*[a-zA-Z0-9]+$'}

_trusted_certs = {
    'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50, 'uniqueItems': True,
    'items': {'type': 'string', 'minLength': 1, 'maxLength': 255},
}

rebuild = {
    'type': 'object',
    'properties': {
        'rebuild': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'imageRef': {'type': 'string', 'minLength': 1, 'maxLength': 255},
                'adminPass': types.admin_password,
                'metadata': types.metadata,
                'preserve_ephemeral': types.boolean,
                'OS-DCF:diskConfig': types.disk_config,
                'accessIPv4': types.ipv4,
                'accessIPv6': types.ipv6,
                'personality': servers.create['properties']['server']['properties'][
                    'personality'],
            },
            'required': ['imageRef'],
            'additionalProperties': False,
        },
    },
    'required': ['rebuild'],
    'additionalProperties': False,
}


def _grown(schema, added=None, removed=()):
    grown = copy.deepcopy(schema)
    properties = grown['properties']['rebuild']['properties']
    properties.update(added or {})
    for name in removed:
        del properties[name]
    return grown


rebuild_v219 = _grown(rebuild, {'description': types.description})
rebuild_v254 = _grown(rebuild_v219, {'key_name': {'type': ['string', 'null'], 'minLength': 1,
                                                  'maxLength': 255, 'format': 'name'}})
rebuild_v257 = _grown(rebuild_v254, {'user_data': {'type': ['string', 'null'],
                                                   'format': 'base64', 'maxLength': 65535}},
                      removed=['personality'])
rebuild_v263 = _grown(rebuild_v257, {'trusted_image_certificates': _trusted_certs})
rebuild_v290 = _grown(rebuild_v263, {'hostname': HOSTNAME})
rebuild_v294 = _grown(rebuild_v290, {'hostname': FQDN})

REBUILDS = (('2.94', rebuild_v294), ('2.90', rebuild_v290), ('2.63', rebuild_v263),
            ('2.57', rebuild_v257), ('2.54', rebuild_v254), ('2.19', rebuild_v219),
            ('2.0', rebuild))

evacuate = {
    'type': 'object',
    'properties': {
        'evacuate': {
            'type': 'object',
            'properties': {
                'host': types.hostname,
                'onSharedStorage': types.boolean,
                'adminPass': types.admin_password,
            },
            'required': ['onSharedStorage'],
            'additionalProperties': False,
        },
    },
    'required': ['evacuate'],
    'additionalProperties': False,
}
# 2.14: no more onSharedStorage (novalite has no shared instance storage anyway).
evacuate_v214 = copy.deepcopy(evacuate)
del evacuate_v214['properties']['evacuate']['properties']['onSharedStorage']
evacuate_v214['properties']['evacuate']['required'] = []
# 2.29 to 2.67: force past the scheduler's filters.
evacuate_v229 = copy.deepcopy(evacuate_v214)
evacuate_v229['properties']['evacuate']['properties']['force'] = types.boolean

EVACUATES = (('2.68', evacuate_v214), ('2.29', evacuate_v229), ('2.14', evacuate_v214),
             ('2.0', evacuate))
