"""Query schema of the image proxy listing (up to 2.35)."""

from novalite.api.schemas import types

list_query = {
    'type': 'object',
    'properties': {
        **types.pagination,
        'name': {'type': 'string'},
        'status': {'type': 'string'},
        'minRam': {'type': 'string', 'pattern': '^[0-9]+$'},
        'minDisk': {'type': 'string', 'pattern': '^[0-9]+$'},
    },
    'additionalProperties': True,
}
