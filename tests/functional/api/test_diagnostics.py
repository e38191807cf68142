"""GET /servers/{id}/diagnostics: Nova's 2.48 shape, and the flat counters before it."""

from unittest import mock

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from tests.functional.api.conftest import make_instance

FOUND = {'state': 'running', 'driver': 'libvirt', 'hypervisor': 'qemu',
         'hypervisor_os': 'linux', 'uptime': None, 'config_drive': True, 'num_cpus': 1,
         'num_nics': 1, 'num_disks': 1,
         'cpu_details': [{'id': 0, 'time': 1500, 'utilisation': None}],
         'nic_details': [{'name': 'tap1', 'mac_address': 'fa:16:3e:00:00:01', 'rx_octets': 10,
                          'rx_errors': 0, 'rx_drop': 0, 'rx_packets': 1, 'rx_rate': None,
                          'tx_octets': 20, 'tx_errors': 0, 'tx_drop': 0, 'tx_packets': 2,
                          'tx_rate': None}],
         'disk_details': [{'name': 'vda', 'read_bytes': 512, 'read_requests': 1,
                           'write_bytes': 0, 'write_requests': 0, 'errors_count': 0}],
         'memory_details': {'maximum': 192, 'used': 100}}


@pytest.fixture
def diagnostics():
    with mock.patch.object(compute_rpcapi.ComputeAPI, 'get_instance_diagnostics',
                           return_value=FOUND) as call:
        yield call


def test_diagnostics_at_2_48_have_novas_standard_shape(admin, db, diagnostics, beyond_max):
    server = make_instance()
    body = admin.at('2.48').get(f"/servers/{server['uuid']}/diagnostics").json
    assert body['state'] == 'running'
    assert body['cpu_details'] == [{'id': 0, 'time': 1500, 'utilisation': None}]
    assert body['disk_details'][0] == {'read_bytes': 512, 'read_requests': 1,
                                       'write_bytes': 0, 'write_requests': 0,
                                       'errors_count': 0}
    assert body['nic_details'][0]['mac_address'] == 'fa:16:3e:00:00:01'
    assert body['memory_details'] == {'maximum': 192, 'used': 100}


def test_diagnostics_before_2_48_are_flat_hypervisor_counters(admin, db, diagnostics):
    server = make_instance()
    body = admin.get(f"/servers/{server['uuid']}/diagnostics").json
    assert body['cpu0_time'] == 1500
    assert (body['vda_read'], body['vda_read_req']) == (512, 1)
    assert (body['tap1_rx'], body['tap1_tx_packets']) == (10, 2)
    assert body['memory'] == 192 * 1024


def test_diagnostics_are_for_admins(api, db, diagnostics):
    server = make_instance()
    assert api.get(f"/servers/{server['uuid']}/diagnostics").status_int == 403
    diagnostics.assert_not_called()


def test_a_server_without_a_host_has_no_diagnostics(admin, db, diagnostics):
    server = make_instance(host=None, vm_state='building')
    assert admin.get(f"/servers/{server['uuid']}/diagnostics").status_int == 409
