"""An OpenAPI 3.1 description of the Compute API, generated from what serves it.

``GET /v2.1/openapi.json`` answers the description of the microversion the
request negotiates (``OpenStack-API-Version: compute latest`` for the
newest): one path per entry of :data:`novalite.api.routes.ROUTES`, one
operation per method, each with the query and body schemas its handler
declares (:func:`novalite.api.validation.query_schemas`, ``body`` and
``body_declared``: the server actions' body is one of every action's).
Resources a microversion removes are left out. Nothing here is written by
hand, so a route or a schema added elsewhere shows up on its own; the fuzz
suites (tests/functional/api/test_fuzz.py, test_fuzz_actions.py) drive the
API from it.
"""

import copy
import re

from novalite.api import microversion, validation, wsgi

_PATH_PARAM = re.compile(r'{(\w+)}')
_TOKEN = {'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token',
          'description': "A keystone token, or noauth2's 'user:project'."}


def _json_schema(schema):
    """A validator schema (draft 4) as OpenAPI 3.1's JSON Schema (2020-12)."""
    schema = copy.deepcopy(schema)
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        if node.get('exclusiveMinimum') is True:
            node['exclusiveMinimum'] = node.pop('minimum')
        if 'maxEncodedLength' in node:
            # novalite's own keyword: an annotation to other validators.
            node['x-maxEncodedLength'] = node.pop('maxEncodedLength')
        pending.extend(value for key, value in node.items() if key != 'enum')
    return schema


def _supported(handler, version):
    low, high = getattr(handler, '_versions', (None, None))
    return microversion.in_range(version, low or '2.0', high)


def _query_parameters(handler, version):
    schema = validation.query_schema_for(handler, version)
    if schema is None:
        return []
    return [{'name': name, 'in': 'query', 'required': False, 'schema': _json_schema(prop)}
            for name, prop in schema.get('properties', {}).items()]


def _operation(path, method, handler, version):
    operation = {
        'operationId': f'{method.lower()}:{path}',
        'summary': (handler.__doc__ or '').strip().split('\n')[0] or None,
        'parameters': [{'name': name, 'in': 'path', 'required': True,
                        'schema': {'type': 'string'}} for name in _PATH_PARAM.findall(path)]
        + _query_parameters(handler, version),
        'responses': {'default': {'description': "Nova's status codes and bodies; a fault "
                                                 "body for any 4xx or 5xx."}},
    }
    body = validation.body_schema_for(handler, version)
    if body is not None:
        operation['requestBody'] = {'required': True, 'content': {
            'application/json': {'schema': _json_schema(body)}}}
    if operation['summary'] is None:
        del operation['summary']
    return operation


def document(routes, version):
    """The OpenAPI 3.1 description of ``routes`` at microversion ``version``."""
    paths = {}
    for path, methods in routes:
        operations = {method.lower(): _operation(path, method, handler, version)
                      for method, handler in methods.items() if _supported(handler, version)}
        if operations:
            paths[path] = operations
    return {
        'openapi': '3.1.0',
        'info': {'title': 'novalite Compute API', 'version': str(version),
                 'description': 'OpenStack Compute API v2.1 as novalite serves it at '
                                f'microversion {version}.'},
        'servers': [{'url': '/v2.1'}],
        'components': {'securitySchemes': {'token': _TOKEN}},
        'security': [{'token': []}],
        'paths': paths,
    }


def show(req):
    """The OpenAPI 3.1 description of this API at the request's microversion."""
    from novalite.api import routes
    return wsgi.json_response(document(routes.ROUTES, microversion.request_version(req)))
