"""Query schema of ``GET /os-hosts``: ``zone``; other keys are ignored, as in Nova."""

from novalite.api.schemas import types

index_query = {'type': 'object', 'properties': {'zone': types.query_param},
               'additionalProperties': True}
