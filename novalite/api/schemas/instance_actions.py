"""Query schemas of os-instance-actions listings: paging from 2.58, changes-before at 2.66."""

import copy

from novalite.api.schemas import types

list_query_v258 = {
    'type': 'object',
    'properties': {
        **types.pagination,
        'changes-since': {'type': 'string', 'format': 'date-time'},
    },
    'additionalProperties': False,
}

list_query_v266 = copy.deepcopy(list_query_v258)
list_query_v266['properties']['changes-before'] = {'type': 'string', 'format': 'date-time'}
