"""Query schemas of ``GET /os-migrations``, Nova's steps.

Before 2.59 any key passes (unknown ones are ignored); 2.59 adds paging and
``changes-since`` and refuses unknown keys, 2.66 adds ``changes-before``,
2.80 the ``user_id`` and ``project_id`` filters.
"""

from novalite.api.schemas import types

_time = {'type': 'string', 'format': 'date-time', 'maxLength': 64}

_FILTERS = {key: types.query_param for key in (
    'hidden', 'host', 'instance_uuid', 'source_compute', 'status', 'migration_type')}

index_query = {'type': 'object', 'properties': dict(_FILTERS), 'additionalProperties': True}
index_query_v259 = {'type': 'object', 'additionalProperties': False,
                    'properties': dict(_FILTERS, **types.pagination, **{'changes-since': _time})}
index_query_v266 = dict(index_query_v259, properties=dict(
    index_query_v259['properties'], **{'changes-before': _time}))
index_query_v280 = dict(index_query_v266, properties=dict(
    index_query_v266['properties'], user_id=types.query_param, project_id=types.query_param))
