"""Diagnostics of a real guest: vCPU time, memory, disk and NIC counters from libvirt."""

import pytest

from tests.integration.libvirt.conftest import spawn, wait_console

pytestmark = pytest.mark.integration


def test_a_running_guest_reports_cpu_time_memory_and_disk_reads(driver, guest_images,
                                                                network_db):
    instance, network_info = spawn(driver, guest_images['kernel'])
    wait_console(driver, instance, 'NOVALITE-GUEST boot')
    found = driver.get_instance_diagnostics(instance)
    assert (found['state'], found['driver'], found['hypervisor']) == ('running', 'libvirt',
                                                                      'qemu')
    assert found['num_cpus'] == 1 and found['cpu_details'][0]['time'] > 0
    assert found['memory_details']['maximum'] == 192
    assert found['disk_details'][0]['name'] == 'vda'
    assert found['nic_details'][0]['mac_address'] == network_info[0]['address']
    assert found['config_drive'] is True
