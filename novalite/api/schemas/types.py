"""Parameter types the resource schemas share, as Nova defines them.

Every string is bounded by what the column it ends up in holds (255 for
names and ids), so the schema refuses it with a 400 naming the field rather
than the database with a 500. Integers given as strings are bounded in
length too, so that converting them cannot fail after validation.
"""

MAX_INT = 0x7FFFFFFF
# A MySQL/MariaDB TEXT column: 65,535 bytes.
TEXT_BYTES = 65535
# Digits of an integer given as a string: far more than any count or size,
# far fewer than Python's int() refuses to convert.
_INT_DIGITS = 64

boolean = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes',
             False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'],
}

# Nova's patterns are '^[0-9]*$': an empty string passed them and then
# failed to convert. One digit at least.
positive_integer = {'type': ['integer', 'string'], 'pattern': '^[0-9]+$',
                    'maxLength': _INT_DIGITS, 'minimum': 1}

non_negative_integer = {'type': ['integer', 'string'], 'pattern': '^[0-9]+$',
                        'maxLength': _INT_DIGITS, 'minimum': 0}

name = {'type': 'string', 'minLength': 1, 'maxLength': 255, 'format': 'name'}

description = {'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
               'format': 'description'}

# A flavor's description is TEXT: Nova allows 65535 characters where servers allow 255.
flavor_description = dict(description, maxLength=65535)

uuid = {'type': 'string', 'format': 'uuid'}

hostname = {'type': 'string', 'minLength': 1, 'maxLength': 255,
            'pattern': '^[a-zA-Z0-9-._]*$'}

ip_address = {'type': 'string', 'oneOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]}

ipv4 = {'type': 'string', 'format': 'ipv4'}

ipv6 = {'type': 'string', 'format': 'ipv6'}

admin_password = {'type': 'string', 'maxLength': 255}

flavor_ref = {'type': ['string', 'integer'], 'minLength': 1, 'maxLength': 255}

image_ref_or_empty = {'type': 'string', 'oneOf': [{'format': 'uuid'}, {'maxLength': 0}]}

metadata = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
    # All of it is one TEXT column.
    'maxEncodedLength': TEXT_BYTES,
}

disk_config = {'type': 'string', 'enum': ['AUTO', 'MANUAL']}

query_param = {'type': 'string', 'maxLength': 255}

marker = {'type': 'string', 'maxLength': 255}

pagination = {
    'limit': non_negative_integer,
    'marker': marker,
}
