"""Declarative HTTP tests: each YAML file in ``gabbits/`` is a story told in requests.

In the manner of placement's gabbi files, a file lists ``fixtures`` (names of
this package's pytest fixtures to set up first) and ``tests``: steps run in
order against the paste-loaded app, each with ``name``, one of
``GET``/``POST``/``PUT``/``DELETE`` (the URL), optional ``as`` (``admin`` or
``user:project``, default ``demo:demo``), ``version`` (a microversion),
``data`` (a JSON body), and the expected ``status``,
``response_json_paths`` (``$.a.b[0].c: value``), ``response_forbidden_keys``
(paths that must be absent) and ``response_strings``.

Strings in URLs, bodies and expectations may hold ``$IMAGE_ID`` and
``$RESPONSE['$.path']`` (a value of the previous response).
"""

import pathlib
import re

import pytest
import yaml

_HERE = pathlib.Path(__file__).parent / 'gabbits'
_FILES = sorted(_HERE.glob('*.yaml'))
_METHODS = ('GET', 'POST', 'PUT', 'DELETE')
_PATH_PART = re.compile(r'([^.\[\]]+)|\[(\d+)\]')
_RESPONSE_REF = re.compile(r"\$RESPONSE\['([^']+)'\]")
_MISSING = object()


def extract(document, path):
    """The value at ``$.a.b[0].c`` in ``document``, or a sentinel when absent."""
    value = document
    for key, index in _PATH_PART.findall(path.removeprefix('$').lstrip('.')):
        try:
            value = value[int(index)] if index else value[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return value


def _substitute(value, names):
    if isinstance(value, str):
        whole = _RESPONSE_REF.fullmatch(value)
        if whole:
            return extract(names['response'], whole.group(1))
        value = value.replace('$IMAGE_ID', str(names.get('image_id')))
        return _RESPONSE_REF.sub(lambda m: str(extract(names['response'], m.group(1))), value)
    if isinstance(value, dict):
        return {_substitute(k, names): _substitute(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(item, names) for item in value]
    return value


def _client(api, step):
    who = step.get('as', 'demo:demo')
    return api.as_user('admin:admin' if who == 'admin' else who, step.get('version'))


def _run_step(api, step, names):
    method = next(m for m in _METHODS if m in step)
    url = _substitute(step[method], names)
    resp = _client(api, step).request(method, url, _substitute(step.get('data'), names))
    where = f"{step['name']}: {method} {url} -> {resp.status} {resp.body[:300]!r}"
    assert resp.status_int == step.get('status', 200), where
    body = resp.json_body_or_none
    for path, expected in (step.get('response_json_paths') or {}).items():
        assert extract(body, path) == _substitute(expected, names), f'{where}\n{path}'
    for path in step.get('response_forbidden_keys') or []:
        assert extract(body, path) is _MISSING, f'{where}\n{path} should be absent'
    for text in step.get('response_strings') or []:
        assert _substitute(text, names) in resp.text, f'{where}\n{text!r} not in body'
    names['response'] = body


@pytest.mark.parametrize('path', _FILES, ids=[path.stem for path in _FILES])
def test_gabbit(path, request, api, beyond_max):
    story = yaml.safe_load(path.read_text())
    names = {'response': None}
    for fixture in story.get('fixtures', []):
        value = request.getfixturevalue(fixture)
        if fixture == 'image':
            names['image_id'] = value['id']
    for step in story['tests']:
        _run_step(api, step, names)
