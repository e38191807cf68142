"""Server metadata: /servers/{id}/metadata[/{key}]."""

import pytest

from tests.functional.api.conftest import make_instance


@pytest.fixture
def server(db):
    return make_instance(metadata={'a': '1'})


def _path(server, key=''):
    return f"/servers/{server['uuid']}/metadata" + (f'/{key}' if key else '')


def test_index_lists_the_metadata(api, server):
    assert api.get(_path(server)).json == {'metadata': {'a': '1'}}


def test_create_merges_and_answers_the_whole_set(api, server):
    resp = api.post(_path(server), {'metadata': {'b': '2', 'a': 'x'}})
    assert resp.status_int == 200
    assert resp.json == {'metadata': {'a': 'x', 'b': '2'}}
    assert api.get(f"/servers/{server['uuid']}").json['server']['metadata'] == resp.json[
        'metadata']


def test_update_all_replaces_the_set(api, server):
    resp = api.put(_path(server), {'metadata': {'c': '3'}})
    assert resp.json == {'metadata': {'c': '3'}}
    assert api.get(_path(server)).json == {'metadata': {'c': '3'}}


def test_show_one_item_and_missing_item_is_404(api, server):
    assert api.get(_path(server, 'a')).json == {'meta': {'a': '1'}}
    resp = api.get(_path(server, 'nope'))
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'Metadata item was not found'


def test_update_one_item(api, server):
    resp = api.put(_path(server, 'k'), {'meta': {'k': 'v'}})
    assert resp.status_int == 200 and resp.json == {'meta': {'k': 'v'}}
    assert api.get(_path(server)).json['metadata'] == {'a': '1', 'k': 'v'}


def test_update_one_item_whose_key_is_not_the_urls_is_400(api, server):
    resp = api.put(_path(server, 'k'), {'meta': {'other': 'v'}})
    assert resp.status_int == 400
    assert 'URI mismatch' in resp.json['badRequest']['message']


def test_delete_item_then_it_is_gone(api, server):
    assert api.delete(_path(server, 'a')).status_int == 204
    assert api.get(_path(server)).json == {'metadata': {}}
    assert api.delete(_path(server, 'a')).status_int == 404


@pytest.mark.parametrize('method,key,body', [
    ('POST', '', {'metadata': {'a' * 256: 'v'}}),
    ('POST', '', {'metadata': {'k': 'v' * 256}}),
    ('POST', '', {'metadata': {'k': 1}}),
    ('POST', '', {'metadata': 'x'}),
    ('POST', '', {'meta': {'k': 'v'}}),
    ('POST', '', {'metadata': {}, 'extra': 1}),
    ('PUT', '', None),
    ('PUT', '', b'{not json'),
    ('PUT', 'k', {'meta': {'k': 'v', 'j': 'w'}}),
    ('PUT', 'k', {'meta': {}}),
    ('PUT', 'k', {'metadata': {'k': 'v'}}),
])
def test_bad_bodies_are_400_and_change_nothing(api, server, method, key, body):
    resp = api.request(method, _path(server, key), body)
    assert resp.status_int == 400, resp.body
    assert 'badRequest' in resp.json
    assert api.get(_path(server)).json == {'metadata': {'a': '1'}}


def test_changes_need_a_server_at_rest(api, db):
    building = make_instance(vm_state='building', task_state='spawning')
    resp = api.post(_path(building), {'metadata': {'b': '2'}})
    assert resp.status_int == 409
    assert 'conflictingRequest' in resp.json


def test_locked_server_metadata_cannot_change(api, db):
    locked = make_instance(locked=True)
    assert api.put(_path(locked, 'k'), {'meta': {'k': 'v'}}).status_int == 409


def test_other_projects_server_is_404(api, db):
    theirs = make_instance(project_id='other')
    assert api.get(_path(theirs)).status_int == 404
    assert api.post(_path(theirs), {'metadata': {'b': '2'}}).status_int == 404


def test_unknown_server_is_404(api, db):
    assert api.get('/servers/00000000-0000-4000-8000-000000000000/metadata').status_int == 404
