"""Schemas of volume attachments: attach (with 2.49 tag, 2.79 delete_on_termination), update."""

import copy

from novalite.api.schemas import types

_DEVICE = {'type': ['string', 'null'], 'maxLength': 255, 'pattern': '^/dev/[a-zA-Z0-9]+$'}

create = {
    'type': 'object',
    'properties': {
        'volumeAttachment': {
            'type': 'object',
            'properties': {'volumeId': types.uuid, 'device': _DEVICE},
            'required': ['volumeId'],
            'additionalProperties': False,
        },
    },
    'required': ['volumeAttachment'],
    'additionalProperties': False,
}

create_v249 = copy.deepcopy(create)
create_v249['properties']['volumeAttachment']['properties']['tag'] = {
    'type': 'string', 'minLength': 1, 'maxLength': 60, 'pattern': '^[^,/]*$'}

create_v279 = copy.deepcopy(create_v249)
create_v279['properties']['volumeAttachment']['properties']['delete_on_termination'] = \
    types.boolean

# 2.85: the attachment's volumeId stays; only delete_on_termination changes.
update_v285 = {
    'type': 'object',
    'properties': {
        'volumeAttachment': {
            'type': 'object',
            'properties': {
                'volumeId': types.uuid, 'device': _DEVICE, 'id': types.uuid,
                'serverId': types.uuid, 'tag': {'type': ['string', 'null'], 'maxLength': 60},
                'delete_on_termination': types.boolean, 'attachment_id': types.uuid,
                'bdm_uuid': types.uuid,
            },
            'required': ['volumeId'],
            'additionalProperties': False,
        },
    },
    'required': ['volumeAttachment'],
    'additionalProperties': False,
}
