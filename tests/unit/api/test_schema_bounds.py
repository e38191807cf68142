"""Every string a schema admits fits the column it may end up in."""

import importlib
import pkgutil

import pytest

from novalite.api import schemas

# Formats whose values are short by definition.
_BOUNDED_FORMATS = {'uuid', 'ipv4', 'ipv6', 'date-time'}


def _schemas():
    for info in pkgutil.iter_modules(schemas.__path__):
        module = importlib.import_module(f'{schemas.__name__}.{info.name}')
        for name, value in vars(module).items():
            if isinstance(value, dict) and not name.startswith('_'):
                yield f'{info.name}.{name}', value


def _unbounded_strings(node, path):
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _unbounded_strings(item, f'{path}[{index}]')
        return
    if not isinstance(node, dict):
        return
    types = node.get('type')
    types = types if isinstance(types, list) else [types]
    if ('string' in types and 'maxLength' not in node and 'enum' not in node
            and node.get('format') not in _BOUNDED_FORMATS and 'oneOf' not in node):
        yield path
    for key, child in node.items():
        if key != 'enum':
            yield from _unbounded_strings(child, f'{path}.{key}')


@pytest.mark.parametrize('name,schema', list(_schemas()), ids=lambda v: v
                         if isinstance(v, str) else '')
def test_every_string_in_the_schema_has_a_bound(name, schema):
    assert list(_unbounded_strings(schema, name)) == []
