"""Schemas of server tags (2.26): one tag, and the whole set."""

tag = {'type': 'string', 'minLength': 1, 'maxLength': 60, 'pattern': '^[^,/]*$'}

update_all = {
    'type': 'object',
    'properties': {'tags': {'type': 'array', 'items': tag}},
    'required': ['tags'],
    'additionalProperties': False,
}
