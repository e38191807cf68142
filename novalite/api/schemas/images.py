"""Query schema of the image proxy listing (up to 2.35)."""

from novalite.api.schemas import types

list_query = {
    'type': 'object',
    'properties': {
        **types.pagination,
        'name': types.query_param,
        'status': types.query_param,
        'minRam': {'type': 'string', 'pattern': '^[0-9]+$', 'maxLength': 64},
        'minDisk': {'type': 'string', 'pattern': '^[0-9]+$', 'maxLength': 64},
    },
    'additionalProperties': True,
}
