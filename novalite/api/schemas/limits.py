"""Query schema of ``/limits`` (Nova's limits schema): ``tenant_id``, strict from 2.75."""

query = {'type': 'object', 'properties': {'tenant_id': {'type': 'string', 'maxLength': 255}},
         'additionalProperties': True}

query_v275 = dict(query, additionalProperties=False)
