"""Schemas of ``/servers/{id}/metadata``: the whole set and one item."""

from novalite.api.schemas import types

metadata = {
    'type': 'object',
    'properties': {'metadata': types.metadata},
    'required': ['metadata'],
    'additionalProperties': False,
}

# One key: the handler checks it is the one the URL names.
meta_item = {
    'type': 'object',
    'properties': {
        'meta': {**types.metadata, 'minProperties': 1, 'maxProperties': 1},
    },
    'required': ['meta'],
    'additionalProperties': False,
}
