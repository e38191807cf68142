"""Query schemas of os-hypervisors: paging from 2.33, pattern and servers from 2.53."""

from novalite.api.schemas import types

list_query_v233 = {
    'type': 'object',
    'properties': dict(types.pagination),
    'additionalProperties': True,
}

list_query_v253 = {
    'type': 'object',
    'properties': {
        **types.pagination,
        'hypervisor_hostname_pattern': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'with_servers': types.boolean,
    },
    'additionalProperties': False,
}

show_query_v253 = {
    'type': 'object',
    'properties': {'with_servers': types.boolean},
    'additionalProperties': False,
}
