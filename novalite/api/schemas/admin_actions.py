"""Body schemas of the administrators' server actions and of the deferred delete's
(``os-resetState``, ``restore``, ``forceDelete``); merged into the servers' ``ACTIONS``."""


def _bare(name):
    return {'type': 'object', 'properties': {name: {'type': ['object', 'null']}},
            'required': [name], 'additionalProperties': False}


ACTIONS = {
    'os-resetState': {
        'type': 'object',
        'properties': {'os-resetState': {
            'type': 'object',
            'properties': {'state': {'type': 'string', 'enum': ['active', 'error']}},
            'required': ['state'], 'additionalProperties': False}},
        'required': ['os-resetState'], 'additionalProperties': False},
    'restore': _bare('restore'),
    'forceDelete': _bare('forceDelete'),
}
