"""Flavors: listing, paging, filters, show, and admin create/delete."""

import pytest

from novalite.db import flavors as db_flavors


def _flavor(flavorid, name, ram=512, disk=1, is_public=True):
    return db_flavors.flavor_create({'flavorid': flavorid, 'name': name, 'memory_mb': ram,
                                     'vcpus': 1, 'root_gb': disk, 'is_public': is_public})


@pytest.fixture
def three_flavors(db):
    return [_flavor('1', 'tiny', 512, 1), _flavor('2', 'small', 2048, 20),
            _flavor('3', 'medium', 4096, 40)]


def test_index_lists_id_name_and_links(api, three_flavors):
    flavors = api.get('/flavors').json['flavors']
    assert [f['id'] for f in flavors] == ['1', '2', '3']
    assert set(flavors[0]) == {'id', 'name', 'links'}
    assert [link['rel'] for link in flavors[0]['links']] == ['self', 'bookmark']


def test_detail_shows_sizes_with_nova_field_names(api, three_flavors):
    flavor = api.get('/flavors/detail').json['flavors'][1]
    assert flavor['ram'] == 2048 and flavor['disk'] == 20 and flavor['vcpus'] == 1
    assert flavor['swap'] == ''
    assert flavor['OS-FLV-EXT-DATA:ephemeral'] == 0
    assert flavor['os-flavor-access:is_public'] is True
    assert flavor['OS-FLV-DISABLED:disabled'] is False
    assert flavor['rxtx_factor'] == 1.0


def test_min_ram_and_min_disk_filter(api, three_flavors):
    found = api.get('/flavors/detail?minRam=1024&minDisk=30').json['flavors']
    assert [f['id'] for f in found] == ['3']


def test_invalid_min_ram_is_a_bad_request(api, three_flavors):
    resp = api.get('/flavors?minRam=lots')
    assert resp.status_int == 400
    assert 'minRam' in resp.json['badRequest']['message']


def test_limit_pages_with_a_next_link_and_marker(api, three_flavors):
    body = api.get('/flavors?limit=2').json
    assert [f['id'] for f in body['flavors']] == ['1', '2']
    next_href = body['flavors_links'][0]['href']
    assert 'marker=2' in next_href and 'limit=2' in next_href
    rest = api.get('/flavors?limit=2&marker=2').json
    assert [f['id'] for f in rest['flavors']] == ['3']
    assert 'flavors_links' not in rest


def test_unknown_marker_is_a_bad_request(api, three_flavors):
    resp = api.get('/flavors?marker=nope')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'marker [nope] not found'


def test_sort_by_memory_descending(api, three_flavors):
    found = api.get('/flavors?sort_key=memory_mb&sort_dir=desc').json['flavors']
    assert [f['id'] for f in found] == ['3', '2', '1']


def test_invalid_sort_key_is_a_bad_request(api, three_flavors):
    assert api.get('/flavors?sort_key=bogus').status_int == 400


def test_private_flavors_are_hidden_from_users_and_listed_for_admins(api, admin, db):
    _flavor('pub', 'public')
    _flavor('priv', 'private', is_public=False)
    assert [f['id'] for f in api.get('/flavors?is_public=false').json['flavors']] == ['pub']
    assert [f['id'] for f in admin.get('/flavors?is_public=false').json['flavors']] == ['priv']
    assert len(admin.get('/flavors?is_public=none').json['flavors']) == 2


def test_show_returns_the_flavor(api, three_flavors):
    assert api.get('/flavors/2').json['flavor']['name'] == 'small'


def test_show_of_unknown_flavor_is_item_not_found(api, db):
    resp = api.get('/flavors/404')
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


def test_admin_creates_a_flavor_with_every_field(admin, db):
    resp = admin.post('/flavors', {'flavor': {
        'name': 'big', 'id': 10, 'ram': '8192', 'vcpus': 4, 'disk': 80,
        'OS-FLV-EXT-DATA:ephemeral': 10, 'swap': 1024, 'rxtx_factor': 2.0,
        'os-flavor-access:is_public': False}})
    assert resp.status_int == 200
    flavor = resp.json['flavor']
    assert flavor['id'] == '10' and flavor['ram'] == 8192 and flavor['swap'] == 1024
    assert flavor['os-flavor-access:is_public'] is False
    assert db_flavors.flavor_get_by_flavorid('10')['ephemeral_gb'] == 10


def test_create_without_id_generates_a_uuid(admin, db):
    flavor = admin.post('/flavors', {'flavor': {'name': 'auto', 'ram': 512, 'vcpus': 1,
                                                'disk': 0}}).json['flavor']
    assert len(flavor['id']) == 36


def test_create_is_admin_only(api, db):
    resp = api.post('/flavors', {'flavor': {'name': 'x', 'ram': 512, 'vcpus': 1, 'disk': 0}})
    assert resp.status_int == 403
    assert 'os-flavor-manage:create' in resp.json['forbidden']['message']


def test_duplicate_flavor_is_a_conflict(admin, three_flavors):
    resp = admin.post('/flavors', {'flavor': {'name': 'tiny', 'ram': 512, 'vcpus': 1,
                                              'disk': 0}})
    assert resp.status_int == 409
    assert 'conflictingRequest' in resp.json


@pytest.mark.parametrize('field, value', [
    ('ram', 0), ('vcpus', -1), ('disk', 'x'), ('swap', -5), ('rxtx_factor', 0),
    ('name', '  padded  '), ('id', 'bad/id'), ('os-flavor-access:is_public', 'maybe'),
])
def test_invalid_field_is_rejected_naming_it_and_creates_nothing(admin, db, field, value):
    spec = {'name': 'x', 'ram': 512, 'vcpus': 1, 'disk': 0, field: value}
    resp = admin.post('/flavors', {'flavor': spec})
    assert resp.status_int == 400
    assert f'field/attribute {field}' in resp.json['badRequest']['message']
    assert db_flavors.flavor_get_all(is_public=None) == []


def test_missing_required_field_is_named(admin, db):
    resp = admin.post('/flavors', {'flavor': {'name': 'x', 'ram': 512, 'disk': 0}})
    assert resp.status_int == 400
    assert 'field/attribute vcpus' in resp.json['badRequest']['message']


def test_unknown_field_is_rejected(admin, db):
    resp = admin.post('/flavors', {'flavor': {'name': 'x', 'ram': 512, 'vcpus': 1, 'disk': 0,
                                              'description': 'only from 2.55'}})
    assert resp.status_int == 400
    assert 'description' in resp.json['badRequest']['message']


def test_admin_deletes_a_flavor_with_202(admin, three_flavors):
    assert admin.delete('/flavors/1').status_int == 202
    assert [f['id'] for f in admin.get('/flavors').json['flavors']] == ['2', '3']


def test_deleted_flavor_stays_showable_as_in_nova(admin, three_flavors):
    admin.delete('/flavors/1')
    assert admin.get('/flavors/1').status_int == 200


def test_delete_is_admin_only_and_404_for_unknown(api, admin, three_flavors):
    assert api.delete('/flavors/1').status_int == 403
    assert admin.delete('/flavors/nope').status_int == 404
