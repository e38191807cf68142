"""Server tags (2.26): /servers/{id}/tags[/{tag}], tags in the server view."""

import pytest

from tests.functional.api.conftest import make_instance


@pytest.fixture
def api226(api):
    return api.at('2.26')


@pytest.fixture
def server(db):
    return make_instance()


def _path(server, tag=''):
    return f"/servers/{server['uuid']}/tags" + (f'/{tag}' if tag else '')


def test_tags_do_not_exist_before_2_26(api, server):
    assert api.at('2.25').get(_path(server)).status_int == 404


def test_add_one_tag_is_201_with_location_then_204(api226, server):
    resp = api226.put(_path(server, 'blue'))
    assert resp.status_int == 201
    assert resp.headers['Location'].endswith(_path(server, 'blue'))
    assert api226.put(_path(server, 'blue')).status_int == 204
    assert api226.get(_path(server)).json == {'tags': ['blue']}


def test_check_tag_exists_is_204_or_404(api226, server):
    api226.put(_path(server, 'blue'))
    assert api226.get(_path(server, 'blue')).status_int == 204
    assert api226.get(_path(server, 'red')).status_int == 404


def test_replace_all_tags(api226, server):
    api226.put(_path(server, 'old'))
    resp = api226.put(_path(server), {'tags': ['b', 'a', 'b']})
    assert resp.status_int == 200 and resp.json == {'tags': ['a', 'b']}
    assert api226.get(_path(server)).json == {'tags': ['a', 'b']}


def test_delete_one_and_all(api226, server):
    api226.put(_path(server), {'tags': ['a', 'b']})
    assert api226.delete(_path(server, 'a')).status_int == 204
    assert api226.delete(_path(server, 'a')).status_int == 404
    assert api226.delete(_path(server)).status_int == 204
    assert api226.get(_path(server)).json == {'tags': []}


def test_server_view_shows_tags_from_2_26(api226, api, server):
    api226.put(_path(server, 'blue'))
    shown = api226.get(f"/servers/{server['uuid']}").json['server']
    assert shown['tags'] == ['blue']
    listed = api226.get('/servers/detail').json['servers'][0]
    assert listed['tags'] == ['blue']
    assert 'tags' not in api.get(f"/servers/{server['uuid']}").json['server']


def test_more_than_50_tags_is_400(api226, server):
    resp = api226.put(_path(server), {'tags': [f't{i}' for i in range(51)]})
    assert resp.status_int == 400
    api226.put(_path(server), {'tags': [f't{i}' for i in range(50)]})
    assert api226.put(_path(server, 'one-more')).status_int == 400


@pytest.mark.parametrize('body', [
    {'tags': 'a'}, {'tags': ['a,b']}, {'tags': ['']}, {'tags': ['x' * 61]}, {'tags': [1]},
    {}, {'tags': [], 'extra': 1}, None,
])
def test_bad_tag_sets_are_400_and_change_nothing(api226, server, body):
    api226.put(_path(server, 'keep'))
    resp = api226.put(_path(server), body)
    assert resp.status_int == 400 and 'badRequest' in resp.json
    assert api226.get(_path(server)).json == {'tags': ['keep']}


def test_tag_too_long_in_url_is_400(api226, server):
    assert api226.put(_path(server, 'x' * 61)).status_int == 400


def test_tags_change_only_on_a_settled_server(api226, db):
    building = make_instance(vm_state='building', task_state='spawning')
    assert api226.put(_path(building, 'a')).status_int == 409


def test_deleted_server_loses_its_tags(api226, server):
    from novalite.db import instances, tags
    api226.put(_path(server, 'blue'))
    instances.instance_destroy(server['uuid'])
    assert tags.tags_get(server['uuid']) == []


def test_listing_filters_by_tags_from_2_26(api226, api, db):
    red = make_instance(display_name='red')
    blue = make_instance(display_name='blue')
    api226.put(_path(red, 'red'))
    api226.put(_path(blue), {'tags': ['blue', 'sky']})

    def names(query, client=api226):
        return sorted(s['name'] for s in client.get(f'/servers?{query}').json['servers'])
    assert names('tags=red') == ['red']
    assert names('tags=blue,sky') == ['blue']
    assert names('tags-any=red,sky') == ['blue', 'red']
    assert names('not-tags=blue,sky') == ['red']
    assert names('not-tags-any=red') == ['blue']
    assert names('tags=red', client=api) == ['blue', 'red']
