"""os-services: listing, pre-2.53 enable/disable/force-down by host and binary, delete."""

import pytest

from novalite.db import services as db_services
from tests.functional.api.conftest import make_instance


@pytest.fixture
def scheduler(db):
    return db_services.service_get_or_create('ctl', 'novalite-scheduler', 'scheduler')


def test_list_is_admin_only(api, compute_host):
    assert api.get('/os-services').status_int == 403


def test_list_shows_state_status_and_zone_under_novas_binary_names(admin, compute_host,
                                                                   scheduler):
    services = {s['binary']: s for s in admin.get('/os-services').json['services']}
    assert set(services) == {'nova-compute', 'nova-scheduler'}
    compute = services['nova-compute']
    assert compute['host'] == 'host1' and compute['zone'] == 'nova'
    assert compute['status'] == 'enabled' and compute['state'] == 'up'
    assert compute['updated_at'].count('.') == 1
    assert services['nova-scheduler']['zone'] == 'internal'
    assert 'forced_down' not in compute


def test_forced_down_shows_from_2_11(admin, compute_host):
    assert admin.at('2.11').get('/os-services').json['services'][0]['forced_down'] is False


@pytest.mark.parametrize('binary', ['nova-compute', 'novalite-compute'])
def test_list_filters_by_binary_by_either_name(admin, compute_host, scheduler, binary):
    found = admin.get(f'/os-services?binary={binary}').json['services']
    assert [(s['host'], s['binary']) for s in found] == [('host1', 'nova-compute')]


def test_a_binary_nova_has_no_name_for_keeps_novalites(admin, db):
    db_services.service_get_or_create('storage', 'novalite-volume', 'volume')
    found = admin.get('/os-services?binary=novalite-volume').json['services']
    assert [s['binary'] for s in found] == ['novalite-volume']


def test_disable_with_reason_and_enable(admin, compute_host):
    body = {'host': 'host1', 'binary': 'nova-compute', 'disabled_reason': 'maintenance'}
    resp = admin.put('/os-services/disable-log-reason', body)
    assert resp.json['service'] == {'host': 'host1', 'binary': 'nova-compute',
                                    'status': 'disabled', 'disabled_reason': 'maintenance'}
    listed = admin.get('/os-services').json['services'][0]
    assert (listed['status'], listed['disabled_reason']) == ('disabled', 'maintenance')
    resp = admin.put('/os-services/enable', {'host': 'host1', 'binary': 'novalite-compute'})
    assert resp.json['service']['status'] == 'enabled'
    assert admin.get('/os-services').json['services'][0]['disabled_reason'] is None


def test_disable_log_reason_needs_a_reason(admin, compute_host):
    resp = admin.put('/os-services/disable-log-reason',
                     {'host': 'host1', 'binary': 'novalite-compute'})
    assert resp.status_int == 400


def test_force_down_exists_from_2_11_and_downs_the_service(admin, compute_host):
    body = {'host': 'host1', 'binary': 'novalite-compute', 'forced_down': True}
    assert admin.at('2.10').put('/os-services/force-down', body).status_int == 400
    resp = admin.at('2.11').put('/os-services/force-down', body)
    assert resp.json['service']['forced_down'] is True
    assert admin.get('/os-services').json['services'][0]['state'] == 'down'


def test_unknown_service_update_action_is_not_found(admin, compute_host):
    resp = admin.put('/os-services/reboot', {'host': 'host1', 'binary': 'novalite-compute'})
    assert resp.status_int == 404


def test_update_of_unknown_host_is_not_found(admin, compute_host):
    resp = admin.put('/os-services/disable', {'host': 'ghost', 'binary': 'novalite-compute'})
    assert resp.status_int == 404
    assert 'ghost' in resp.json['itemNotFound']['message']


def test_update_body_needs_host_and_binary(admin, compute_host):
    resp = admin.put('/os-services/disable', {'host': 'host1'})
    assert resp.status_int == 400
    assert 'binary' in resp.json['badRequest']['message']


def test_delete_removes_the_service_and_its_nodes(admin, compute_host):
    service_id = compute_host['service']['id']
    assert admin.delete(f'/os-services/{service_id}').status_int == 204
    assert admin.get('/os-services').json['services'] == []
    assert db_services.compute_node_get_all() == []


def test_delete_of_compute_service_hosting_servers_is_a_conflict(admin, compute_host):
    make_instance()
    assert admin.delete(f"/os-services/{compute_host['service']['id']}").status_int == 409


def test_delete_of_unknown_or_malformed_id(admin, db):
    assert admin.delete('/os-services/999').status_int == 404
    assert admin.delete('/os-services/abc').status_int == 400


def test_updating_a_scheduler_at_2_53_is_refused_by_its_nova_name(admin, scheduler):
    resp = admin.at('2.53').put(f"/os-services/{scheduler['uuid']}", {'status': 'disabled'})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        "Updating a nova-scheduler service is not supported. "
        "Only nova-compute services can be updated.")
    assert db_services.service_get_all(binary='novalite-scheduler')[0]['disabled'] is False
