"""Request bodies of remote consoles: the 2.6 resource and the legacy actions."""

# Protocols and types Nova's API accepts; novalite serves novnc and serial,
# the others answer 400 "Unavailable console type".
_PROTOCOLS = ['vnc', 'spice', 'rdp', 'serial', 'mks']
_TYPES = ['novnc', 'xvpvnc', 'spice-html5', 'rdp-html5', 'serial', 'webmks']

CREATE = {
    'type': 'object',
    'properties': {
        'remote_console': {
            'type': 'object',
            'properties': {
                'protocol': {'type': 'string', 'enum': _PROTOCOLS},
                'type': {'type': 'string', 'enum': _TYPES},
            },
            'required': ['protocol', 'type'],
            'additionalProperties': False,
        },
    },
    'required': ['remote_console'],
    'additionalProperties': False,
}


def _legacy(name, types):
    return {'type': 'object',
            'properties': {name: {'type': 'object',
                                  'properties': {'type': {'type': 'string', 'enum': types}},
                                  'required': ['type'], 'additionalProperties': False}},
            'required': [name], 'additionalProperties': False}


GET_VNC_CONSOLE = _legacy('os-getVNCConsole', ['novnc', 'xvpvnc'])
GET_SERIAL_CONSOLE = _legacy('os-getSerialConsole', ['serial'])
