"""Query schema of os-hypervisors listings: paging from 2.33."""

from novalite.api.schemas import types

list_query_v233 = {
    'type': 'object',
    'properties': dict(types.pagination),
    'additionalProperties': True,
}
