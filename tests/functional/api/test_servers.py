"""Listing, showing, updating and deleting servers, and how servers look per microversion."""

import datetime

import pytest

from novalite.db import actions as db_actions
from novalite.db import instances as db_instances
from novalite.db import services as db_services
from novalite.db.models import utcnow
from tests.functional.api.conftest import make_instance


@pytest.fixture
def servers(db, compute_host):
    return [make_instance(display_name=f'vm{i}') for i in range(3)]


def test_index_shows_id_name_links(api, servers):
    listed = api.get('/servers').json['servers']
    assert len(listed) == 3
    assert set(listed[0]) == {'id', 'name', 'links'}


def test_users_see_only_their_projects_servers(api, servers):
    make_instance(project_id='other', display_name='theirs')
    assert 'theirs' not in [s['name'] for s in api.get('/servers').json['servers']]


def test_all_tenants_is_admin_only(api, admin, servers):
    make_instance(project_id='other', display_name='theirs')
    assert api.get('/servers?all_tenants=1').status_int == 403
    assert len(admin.get('/servers?all_tenants=1').json['servers']) == 4
    assert admin.get('/servers').json['servers'] == []


def test_list_is_newest_first_and_pages_with_a_next_link(api, servers):
    first = api.get('/servers?limit=2').json
    assert [s['name'] for s in first['servers']] == ['vm2', 'vm1']
    href = first['servers_links'][0]['href']
    assert href.startswith('http://localhost/v2.1/servers?') and 'marker=' in href
    marker = first['servers'][-1]['id']
    rest = api.get(f'/servers?limit=2&marker={marker}').json
    assert [s['name'] for s in rest['servers']] == ['vm0']
    assert 'servers_links' not in rest


def test_detail_next_link_points_at_detail(api, servers):
    href = api.get('/servers/detail?limit=1').json['servers_links'][0]['href']
    assert '/servers/detail?' in href


def test_unknown_marker_is_a_bad_request(api, servers):
    assert api.get('/servers?marker=nope').status_int == 400


def test_sort_by_display_name_ascending(api, servers):
    listed = api.get('/servers?sort_key=display_name&sort_dir=asc').json['servers']
    assert [s['name'] for s in listed] == ['vm0', 'vm1', 'vm2']


def test_invalid_sort_key_is_a_bad_request(api, servers):
    assert api.get('/servers?sort_key=bogus').status_int == 400


def test_users_may_not_sort_by_host(api, admin, servers):
    assert api.get('/servers?sort_key=host').status_int == 403
    assert admin.get('/servers?sort_key=host&all_tenants=1').status_int == 200


@pytest.mark.parametrize('query, names', [
    ('name=vm1', ['vm1']),
    ('status=SHUTOFF', ['off']),
    ('status=active', ['vm2', 'vm1', 'vm0', 'big']),
    ('status=BOGUS', []),
    ('flavor=2', ['big']),
    ('flavor=404', []),
    ('image=c0ffee00-0000-4000-8000-000000000001', ['big']),
])
def test_filters(api, servers, query, names):
    from novalite.db import flavors as db_flavors
    db_flavors.flavor_create({'flavorid': '1', 'name': 'tiny', 'memory_mb': 1, 'vcpus': 1})
    flavor = db_flavors.flavor_create({'flavorid': '2', 'name': 'big', 'memory_mb': 1,
                                       'vcpus': 1})
    make_instance(display_name='off', vm_state='stopped',
                  created_at=utcnow() - datetime.timedelta(hours=1))
    make_instance(display_name='big', instance_type_id=flavor['id'],
                  image_ref='c0ffee00-0000-4000-8000-000000000001',
                  created_at=utcnow() - datetime.timedelta(hours=2))
    assert [s['name'] for s in api.get(f'/servers?{query}').json['servers']] == names


def test_host_filter_is_dropped_for_users_and_applied_for_admins(api, admin, servers):
    make_instance(display_name='elsewhere', host='host2')
    assert len(api.get('/servers?host=host2').json['servers']) == 4
    assert [s['name'] for s in admin.get('/servers?host=host2&all_tenants=1'
                                         ).json['servers']] == ['elsewhere']


def test_changes_since_includes_deleted_servers(api, servers):
    since = (utcnow() - datetime.timedelta(minutes=1)).isoformat() + 'Z'
    db_instances.instance_destroy(servers[0]['uuid'])
    listed = api.get(f'/servers/detail?changes-since={since}').json['servers']
    statuses = {s['name']: s['status'] for s in listed}
    assert statuses['vm0'] == 'DELETED'
    assert len(api.get('/servers').json['servers']) == 2


def test_invalid_changes_since_is_a_bad_request(api, servers):
    resp = api.get('/servers?changes-since=yesterday')
    assert resp.status_int == 400
    assert 'changes-since' in resp.json['badRequest']['message']


def test_detail_view_at_2_1(api, servers):
    server = api.get(f"/servers/{servers[0]['uuid']}").json['server']
    assert server['status'] == 'ACTIVE'
    assert server['tenant_id'] == 'demo' and server['user_id'] == 'demo'
    assert server['flavor']['id'] == '1'
    assert server['flavor']['links'][0]['href'] == 'http://localhost/flavors/1'
    assert server['image']['id'] == 'c0ffee00-0000-4000-8000-000000000000'
    assert server['OS-EXT-STS:vm_state'] == 'active'
    assert server['OS-EXT-STS:power_state'] == 1
    assert server['OS-EXT-AZ:availability_zone'] == 'nova'
    assert server['security_groups'] == [{'name': 'default'}]
    assert server['os-extended-volumes:volumes_attached'] == []
    assert server['progress'] == 0
    assert server['created'].endswith('Z') and len(server['created']) == 20
    assert len(server['hostId']) == 56
    for later in ('locked', 'description', 'tags', 'host_status'):
        assert later not in server
    assert not any(key.startswith('OS-EXT-SRV-ATTR') for key in server)


def test_host_id_differs_per_project_for_the_same_host(api, admin, servers):
    mine = api.get(f"/servers/{servers[0]['uuid']}").json['server']['hostId']
    other = make_instance(project_id='admin')
    theirs = admin.get(f"/servers/{other['uuid']}").json['server']['hostId']
    assert mine != theirs


def test_admin_sees_extended_server_attributes(admin, servers):
    server = admin.get(f"/servers/{servers[0]['uuid']}").json['server']
    assert server['OS-EXT-SRV-ATTR:host'] == 'host1'
    assert server['OS-EXT-SRV-ATTR:hypervisor_hostname'] == 'node1'
    assert server['OS-EXT-SRV-ATTR:instance_name'].startswith('instance-')
    assert 'OS-EXT-SRV-ATTR:reservation_id' not in server
    later = admin.at('2.3').get(f"/servers/{servers[0]['uuid']}").json['server']
    assert later['OS-EXT-SRV-ATTR:reservation_id'] == 'r-test0000'
    assert later['OS-EXT-SRV-ATTR:hostname'] == 'vm'


@pytest.mark.parametrize('version, field, value', [
    ('2.9', 'locked', False), ('2.19', 'description', None), ('2.26', 'tags', []),
])
def test_fields_added_by_microversions(api, servers, version, field, value):
    path = f"/servers/{servers[0]['uuid']}"
    assert field not in api.at(f'2.{int(version.split(".")[1]) - 1}').get(path).json['server']
    assert api.at(version).get(path).json['server'][field] == value


def test_host_status_from_2_16_for_admins(api, admin, servers):
    path = f"/servers/{servers[0]['uuid']}"
    assert 'host_status' not in admin.at('2.15').get(path).json['server']
    assert admin.at('2.16').get(path).json['server']['host_status'] == 'UP'
    assert 'host_status' not in api.at('2.16').get(path).json['server']
    service = db_services.service_get_all(binary='novalite-compute')[0]
    db_services.service_update(service['id'], {'disabled': True})
    assert admin.at('2.16').get(path).json['server']['host_status'] == 'MAINTENANCE'
    db_services.service_update(service['id'], {'forced_down': True})
    assert admin.at('2.16').get(path).json['server']['host_status'] == 'DOWN'


def test_error_server_shows_its_latest_fault_with_details_for_admins(api, admin, db):
    server = make_instance(vm_state='error', host=None)
    db_actions.fault_create(server['uuid'], 500, 'first', details='trace 1')
    db_actions.fault_create(server['uuid'], 500, 'No valid host was found.', details='trace 2')
    fault = api.get(f"/servers/{server['uuid']}").json['server']['fault']
    assert fault['message'] == 'No valid host was found.' and fault['code'] == 500
    assert 'details' not in fault
    assert admin.get(f"/servers/{server['uuid']}").json['server']['fault']['details'] == \
        'trace 2'


def test_addresses_come_from_the_network(api, servers):
    from novalite.network import api as network_api
    network = network_api.ensure_network()
    network_api.allocate_for_instance(None, servers[0]['uuid'], 'host1')
    server = api.get(f"/servers/{servers[0]['uuid']}").json['server']
    [address] = server['addresses'][network['label']]
    assert address['version'] == 4 and address['OS-EXT-IPS:type'] == 'fixed'
    assert address['OS-EXT-IPS-MAC:mac_addr']
    ips = api.get(f"/servers/{servers[0]['uuid']}/ips").json['addresses']
    assert ips == server['addresses']


def test_show_of_another_projects_server_is_not_found(api, db):
    other = make_instance(project_id='other')
    resp = api.get(f"/servers/{other['uuid']}")
    assert resp.status_int == 404
    assert 'could not be found' in resp.json['itemNotFound']['message']


def test_update_renames_and_answers_the_core_view(api, servers):
    resp = api.put(f"/servers/{servers[0]['uuid']}", {'server': {'name': 'renamed'}})
    assert resp.status_int == 200
    assert resp.json['server']['name'] == 'renamed'
    assert 'OS-EXT-STS:vm_state' not in resp.json['server']
    assert db_instances.instance_get(servers[0]['uuid'])['display_name'] == 'renamed'


def test_update_description_from_2_19(api, servers):
    path = f"/servers/{servers[0]['uuid']}"
    assert api.put(path, {'server': {'description': 'x'}}).status_int == 400
    resp = api.at('2.19').put(path, {'server': {'description': 'web tier'}})
    assert resp.json['server']['description'] == 'web tier'


def test_update_disk_config(api, servers):
    path = f"/servers/{servers[0]['uuid']}"
    resp = api.put(path, {'server': {'OS-DCF:diskConfig': 'AUTO'}})
    assert resp.json['server']['OS-DCF:diskConfig'] == 'AUTO'


def test_delete_of_server_on_a_live_host_casts_and_marks_deleting(api, servers):
    resp = api.delete(f"/servers/{servers[0]['uuid']}")
    assert resp.status_int == 204
    assert db_instances.instance_get(servers[0]['uuid'])['task_state'] == 'deleting'
    assert api.delete(f"/servers/{servers[0]['uuid']}").status_int == 204


def test_delete_of_unscheduled_server_deletes_it_at_once(api, db):
    server = make_instance(host=None, node=None, vm_state='building', task_state='scheduling')
    assert api.delete(f"/servers/{server['uuid']}").status_int == 204
    assert api.get(f"/servers/{server['uuid']}").status_int == 404


def test_delete_of_unknown_server_is_not_found(api, db):
    assert api.delete('/servers/8a5f0cd2-58a0-4f4e-a8a3-2b0a9fb1b4b1').status_int == 404


def test_admin_project_filter_needs_all_tenants(admin, servers):
    assert admin.get('/servers?tenant_id=demo').json['servers'] == []
    assert len(admin.get('/servers?tenant_id=demo&all_tenants=1').json['servers']) == 3


def test_released_addresses_leave_the_server_view(api, servers):
    from novalite.network import api as network_api
    network_api.allocate_for_instance(None, servers[0]['uuid'], 'host1')
    network_api.deallocate_for_instance(None, servers[0]['uuid'])
    server = api.get(f"/servers/{servers[0]['uuid']}").json['server']
    assert server['addresses'] == {}
