"""Parameter types the resource schemas share, as Nova defines them."""

MAX_INT = 0x7FFFFFFF

boolean = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes',
             False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'],
}

positive_integer = {'type': ['integer', 'string'], 'pattern': '^[0-9]*$', 'minimum': 1}

non_negative_integer = {'type': ['integer', 'string'], 'pattern': '^[0-9]*$', 'minimum': 0}

name = {'type': 'string', 'minLength': 1, 'maxLength': 255, 'format': 'name'}

description = {'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
               'format': 'description'}

uuid = {'type': 'string', 'format': 'uuid'}

hostname = {'type': 'string', 'minLength': 1, 'maxLength': 255,
            'pattern': '^[a-zA-Z0-9-._]*$'}

ip_address = {'type': 'string', 'oneOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]}

ipv4 = {'type': 'string', 'format': 'ipv4'}

ipv6 = {'type': 'string', 'format': 'ipv6'}

admin_password = {'type': 'string'}

flavor_ref = {'type': ['string', 'integer'], 'minLength': 1}

image_ref_or_empty = {'type': 'string', 'oneOf': [{'format': 'uuid'}, {'maxLength': 0}]}

metadata = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}

disk_config = {'type': 'string', 'enum': ['AUTO', 'MANUAL']}

query_param = {'type': 'string'}

pagination = {
    'limit': non_negative_integer,
    'marker': {'type': 'string'},
}
