"""JSON patches of an image (``application/openstack-images-v2.1-json-patch``).

Each operation names one attribute: ``add`` and ``replace`` set it,
``remove`` drops a custom property or a tag list's content. Core attributes
that only the service sets are refused with 403, as Glance does; the whole
patch is checked before anything is written.
"""

import collections

from novalite import exception
from novalite.api import validation
from novalite.image import fields
from novalite.image.api import schema

MEDIA_TYPES = ('application/openstack-images-v2.1-json-patch',
               'application/openstack-images-v2.0-json-patch')

Change = collections.namedtuple('Change', ['op', 'key', 'value'])


def parse(body):
    """The :class:`Change` list of a patch body.

    :raises Invalid: not a list of operations, or a value of the wrong type.
    :raises Forbidden: a read-only or reserved attribute.
    """
    validation.validate(schema.PATCH, body)
    return [_change(item) for item in body]


def _change(item):
    key = item['path'][1:].replace('~1', '/').replace('~0', '~')
    if key in fields.READ_ONLY or key == 'id':
        raise exception.Forbidden(f"Attribute '{key}' is read-only.")
    if key in fields.RESERVED:
        raise exception.Forbidden(f"Attribute '{key}' is reserved.")
    if item['op'] == 'remove':
        if key in fields.SETTABLE and key != 'tags':
            raise exception.Forbidden(f"Properties '{key}' cannot be removed.")
        return Change('remove', key, None)
    if 'value' not in item:
        raise exception.Invalid(f"Operation {item['op']} of /{key} needs a value.")
    validation.validate(schema.ATTRIBUTES.get(key, schema.PROPERTY), item['value'])
    return Change(item['op'], key, item['value'])


def apply(record, changes):
    """Apply ``changes`` to ``record`` in place (under the store's lock).

    :raises Conflict: ``replace`` or ``remove`` of a property that does not exist.
    """
    for change in changes:
        if change.key in fields.SETTABLE:
            record[change.key] = [] if change.op == 'remove' else change.value
            continue
        properties = record['properties']
        if change.op != 'add' and change.key not in properties:
            raise exception.Conflict(f"Property {change.key} does not exist.")
        if change.op == 'remove':
            del properties[change.key]
        else:
            properties[change.key] = change.value
