"""os-aggregates: CRUD, hosts, metadata, and the availability zone every reader sees."""

import pytest

from novalite.db import services as db_services
from tests.functional.api.conftest import boot_body, make_instance

pytestmark = pytest.mark.usefixtures('beyond_max')


@pytest.fixture
def host2(db):
    service = db_services.service_get_or_create('host2', 'novalite-compute', 'compute')
    db_services.service_heartbeat(service['id'])
    db_services.compute_node_report('host2', 'node2', {
        'hypervisor_type': 'fake', 'availability_zone': 'nova', 'vcpus': 4,
        'memory_mb': 4096, 'local_gb': 100})


def _create(admin, name='agg', zone=None):
    body = {'aggregate': {'name': name}}
    if zone:
        body['aggregate']['availability_zone'] = zone
    resp = admin.post('/os-aggregates', body)
    assert resp.status_int == 200, resp.body
    return resp.json['aggregate']


def _act(admin, aggregate, body):
    return admin.post(f"/os-aggregates/{aggregate['id']}/action", body)


def test_create_shows_nova_fields(admin):
    aggregate = _create(admin, zone='az1')
    assert aggregate['name'] == 'agg' and aggregate['availability_zone'] == 'az1'
    assert aggregate['metadata'] == {'availability_zone': 'az1'}
    assert aggregate['hosts'] == [] and aggregate['deleted'] is False
    assert aggregate['deleted_at'] is None and 'uuid' not in aggregate
    assert aggregate['created_at'].count('.') == 1


def test_uuid_shows_from_2_41(admin):
    aggregate = _create(admin)
    shown = admin.at('2.41').get(f"/os-aggregates/{aggregate['id']}").json['aggregate']
    assert len(shown['uuid']) == 36


def test_aggregates_are_admin_only(api):
    assert api.get('/os-aggregates').status_int == 403
    assert api.post('/os-aggregates', {'aggregate': {'name': 'x'}}).status_int == 403


def test_duplicate_name_is_409(admin):
    _create(admin)
    assert admin.post('/os-aggregates', {'aggregate': {'name': 'agg'}}).status_int == 409


def test_list_show_update_delete(admin):
    aggregate = _create(admin)
    assert [a['name'] for a in admin.get('/os-aggregates').json['aggregates']] == ['agg']
    resp = admin.put(f"/os-aggregates/{aggregate['id']}",
                     {'aggregate': {'name': 'renamed', 'availability_zone': 'az9'}})
    assert resp.json['aggregate']['name'] == 'renamed'
    assert resp.json['aggregate']['availability_zone'] == 'az9'
    assert admin.delete(f"/os-aggregates/{aggregate['id']}").status_int == 200
    assert admin.get(f"/os-aggregates/{aggregate['id']}").status_int == 404


def test_a_non_integer_aggregate_id_is_a_bad_request(admin):
    resp = admin.get('/os-aggregates/nope')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == \
        'Invalid input received: id must be an integer'


def test_unknown_aggregate_is_404(admin):
    assert admin.get('/os-aggregates/42').status_int == 404
    assert _act(admin, {'id': 42}, {'add_host': {'host': 'host1'}}).status_int == 404


def test_add_and_remove_host(admin, compute_host):
    aggregate = _create(admin)
    resp = _act(admin, aggregate, {'add_host': {'host': 'host1'}})
    assert resp.status_int == 200 and resp.json['aggregate']['hosts'] == ['host1']
    assert _act(admin, aggregate, {'add_host': {'host': 'host1'}}).status_int == 409
    assert admin.delete(f"/os-aggregates/{aggregate['id']}").status_int == 400
    resp = _act(admin, aggregate, {'remove_host': {'host': 'host1'}})
    assert resp.json['aggregate']['hosts'] == []
    assert _act(admin, aggregate, {'remove_host': {'host': 'host1'}}).status_int == 404


def test_unknown_host_is_404(admin, compute_host):
    aggregate = _create(admin)
    resp = _act(admin, aggregate, {'add_host': {'host': 'ghost'}})
    assert resp.status_int == 404 and 'ghost' in resp.json['itemNotFound']['message']


def test_set_metadata_sets_and_deletes_keys(admin):
    aggregate = _create(admin)
    resp = _act(admin, aggregate, {'set_metadata': {'metadata': {'ssd': 'true', 'x': '1'}}})
    assert resp.json['aggregate']['metadata'] == {'ssd': 'true', 'x': '1'}
    resp = _act(admin, aggregate, {'set_metadata': {'metadata': {'x': None}}})
    assert resp.json['aggregate']['metadata'] == {'ssd': 'true'}


def test_host_cannot_join_a_second_zone(admin, compute_host):
    first, second = _create(admin, 'a', 'az1'), _create(admin, 'b', 'az2')
    _act(admin, first, {'add_host': {'host': 'host1'}})
    resp = _act(admin, second, {'add_host': {'host': 'host1'}})
    assert resp.status_int == 409 and 'conflictingRequest' in resp.json


def test_zone_of_a_host_with_servers_cannot_change(admin, compute_host):
    aggregate = _create(admin, zone='az1')
    _act(admin, aggregate, {'add_host': {'host': 'host1'}})
    make_instance()
    resp = _act(admin, aggregate, {'set_metadata': {'metadata': {'availability_zone': 'az2'}}})
    assert resp.status_int == 400


def test_aggregate_zone_is_what_every_reader_sees(admin, api, compute_host, host2, flavor,
                                                  image):
    aggregate = _create(admin, zone='az1')
    _act(admin, aggregate, {'add_host': {'host': 'host1'}})
    zones = {z['zoneName'] for z in api.get('/os-availability-zone').json[
        'availabilityZoneInfo']}
    assert zones == {'az1', 'nova'}
    services = {s['host']: s['zone'] for s in admin.get('/os-services').json['services']}
    assert services == {'host1': 'az1', 'host2': 'nova'}
    server = make_instance(availability_zone=None)
    shown = api.get(f"/servers/{server['uuid']}").json['server']
    assert shown['OS-EXT-AZ:availability_zone'] == 'az1'
    assert api.post('/servers', boot_body(image, availability_zone='az1')).status_int == 202
    assert api.post('/servers', boot_body(image, availability_zone='az2')).status_int == 400


@pytest.mark.parametrize('method,path,body', [
    ('POST', '/os-aggregates', {'aggregate': {}}),
    ('POST', '/os-aggregates', {'aggregate': {'name': ''}}),
    ('POST', '/os-aggregates', {'aggregate': {'name': 'x', 'extra': 1}}),
    ('POST', '/os-aggregates', {'aggregate': {'name': 'x', 'availability_zone': ''}}),
    ('POST', '/os-aggregates', {'aggregate': {'name': 'x', 'availability_zone': 'internal'}}),
    ('POST', '/os-aggregates', {'name': 'x'}),
    ('PUT', '/os-aggregates/{id}', {'aggregate': {}}),
    ('PUT', '/os-aggregates/{id}', {'aggregate': {'hosts': []}}),
    ('POST', '/os-aggregates/{id}/action', {'add_host': {}}),
    ('POST', '/os-aggregates/{id}/action', {'add_host': {'host': 'host1', 'x': 1}}),
    ('POST', '/os-aggregates/{id}/action', {'remove_host': {'host': 1}}),
    ('POST', '/os-aggregates/{id}/action', {'set_metadata': {'metadata': {'k': 1}}}),
    ('POST', '/os-aggregates/{id}/action', {'set_metadata': {}}),
    ('POST', '/os-aggregates/{id}/action', {'reboot': {}}),
    ('POST', '/os-aggregates/{id}/action', {'add_host': {'host': 'host1'}, 'x': {}}),
])
def test_bad_bodies_are_400_and_change_nothing(admin, compute_host, method, path, body):
    aggregate = _create(admin, 'keep')
    resp = admin.request(method, path.format(id=aggregate['id']), body)
    assert resp.status_int == 400, resp.body
    assert 'badRequest' in resp.json
    assert admin.get('/os-aggregates').json['aggregates'] == [aggregate]
