"""os-hypervisors: nodes, their usage and totals, admin only."""

import pytest

from novalite.db import services as db_services
from tests.functional.api.conftest import make_instance


@pytest.fixture
def two_nodes(compute_host):
    second = db_services.compute_node_report('host1', 'node2', {
        'hypervisor_type': 'fake', 'availability_zone': 'nova', 'vcpus': 8,
        'memory_mb': 8192, 'local_gb': 100, 'cpu_info': {}})
    return [compute_host['node'], second]


def test_hypervisors_are_admin_only(api, compute_host):
    assert api.get('/os-hypervisors').status_int == 403
    assert api.get('/os-hypervisors/statistics').status_int == 403


def test_index_shows_id_name_state_status(admin, compute_host):
    [hypervisor] = admin.get('/os-hypervisors').json['hypervisors']
    assert hypervisor == {'id': compute_host['node']['id'], 'hypervisor_hostname': 'node1',
                          'state': 'up', 'status': 'enabled'}


def test_detail_shows_capacity_usage_and_service(admin, compute_host):
    [node] = admin.get('/os-hypervisors/detail').json['hypervisors']
    assert node['vcpus'] == 16 and node['memory_mb'] == 65536 and node['local_gb'] == 1024
    assert node['memory_mb_used'] == 512 and node['free_ram_mb'] == 65024
    assert node['current_workload'] == 0 and node['running_vms'] == 0
    assert node['hypervisor_type'] == 'fake' and node['host_ip'] == '192.0.2.10'
    assert node['service'] == {'id': compute_host['service']['id'], 'host': 'host1',
                               'disabled_reason': None}
    assert isinstance(node['cpu_info'], str)


def test_cpu_info_is_an_object_from_2_28(admin, compute_host):
    node_id = compute_host['node']['id']
    cpu_info = admin.at('2.28').get(f'/os-hypervisors/{node_id}').json['hypervisor'][
        'cpu_info']
    assert cpu_info == {'arch': 'x86_64'}


def test_show_of_unknown_or_malformed_id_is_not_found(admin, compute_host):
    assert admin.get('/os-hypervisors/999').status_int == 404
    assert admin.get('/os-hypervisors/abc').status_int == 404


def test_disabled_down_service_shows_in_hypervisor(admin, compute_host):
    db_services.service_update(compute_host['service']['id'],
                               {'disabled': True, 'forced_down': True})
    [node] = admin.get('/os-hypervisors').json['hypervisors']
    assert (node['state'], node['status']) == ('down', 'disabled')


def test_statistics_sum_every_node(admin, two_nodes):
    stats = admin.get('/os-hypervisors/statistics').json['hypervisor_statistics']
    assert stats['count'] == 2 and stats['vcpus'] == 24 and stats['memory_mb'] == 73728


def test_paging_from_2_33(admin, two_nodes):
    first = admin.at('2.33').get('/os-hypervisors?limit=1').json
    assert [h['hypervisor_hostname'] for h in first['hypervisors']] == ['node1']
    assert 'marker=' in first['hypervisors_links'][0]['href']
    rest = admin.at('2.33').get(f"/os-hypervisors?limit=1&marker={two_nodes[0]['id']}").json
    assert [h['hypervisor_hostname'] for h in rest['hypervisors']] == ['node2']
    assert len(admin.at('2.32').get('/os-hypervisors?limit=1').json['hypervisors']) == 2
    assert admin.at('2.33').get('/os-hypervisors?marker=999').status_int == 400


def test_search_and_servers_by_hostname_pattern(admin, compute_host):
    server = make_instance()
    assert len(admin.get('/os-hypervisors/node/search').json['hypervisors']) == 1
    assert admin.get('/os-hypervisors/zzz/search').status_int == 404
    [node] = admin.get('/os-hypervisors/node1/servers').json['hypervisors']
    assert node['servers'] == [{'uuid': server['uuid'], 'name': server['name']}]


def test_uptime_of_a_down_host_is_a_bad_request_and_a_non_admin_is_refused(
        api, admin, compute_host):
    node_id = compute_host['node']['id']
    assert api.get(f'/os-hypervisors/{node_id}/uptime').status_int == 403
    db_services.service_update(compute_host['service']['id'], {'forced_down': True})
    refused = admin.get(f'/os-hypervisors/{node_id}/uptime')
    assert refused.status_int == 400
    assert refused.json['badRequest']['message'] == \
        'Compute service of host1 is unavailable at this time.'
    assert admin.get('/os-hypervisors/999/uptime').status_int == 404


def test_show_from_2_88_has_no_uptime_while_the_host_is_down(admin, compute_host):
    db_services.service_update(compute_host['service']['id'], {'forced_down': True})
    node = admin.at('2.88').get(f"/os-hypervisors/{compute_host['node']['uuid']}").json
    assert node['hypervisor']['uptime'] is None
