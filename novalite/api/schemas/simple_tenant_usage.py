"""Query schemas of os-simple-tenant-usage: 2.40 adds paging, 2.75 refuses unknown keys."""

from novalite.api.schemas import types

_time = {'type': 'string', 'maxLength': 64}
_period = {'start': _time, 'end': _time, 'detailed': {'type': 'string', 'maxLength': 8}}

index_query = {'type': 'object', 'properties': dict(_period), 'additionalProperties': True}
index_query_v240 = {'type': 'object', 'properties': dict(_period, **types.pagination),
                    'additionalProperties': True}
index_query_v275 = dict(index_query_v240, additionalProperties=False)

show_query = index_query
show_query_v240 = index_query_v240
show_query_v275 = index_query_v275
