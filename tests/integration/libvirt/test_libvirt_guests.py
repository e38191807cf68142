"""Real guests under QEMU (TCG) driven through LibvirtDriver, no mocks.

A private libvirtd in its own network namespace runs the tiny busybox guest
(tests/guest/build.py); its serial console tells what it saw of its config
drive and whether it could ping its gateway on the bridge.
"""

import concurrent.futures
import os
import time

import libvirt
import pytest

from novalite import exception
from novalite.network import model
from novalite.virt import power_state
from novalite.virt.libvirt import imagecache
from tests.integration.libvirt.conftest import spawn, wait_console
from tests.unit.virt.libvirt.samples import make_disk

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures('network_db')]


def state(driver, instance):
    return driver.get_info(instance).state


def domain(harness, instance):
    return libvirt.open(harness.uri).lookupByName(instance['name'])


@pytest.mark.parametrize('boot', ['kernel', 'disk'])
def test_guest_reads_config_drive_and_pings_its_gateway(driver, guest_images, boot, harness):
    if guest_images[boot] is None:
        pytest.skip("no bootable disk image: syslinux, mtools or dosfstools missing")
    instance, network_info = spawn(driver, guest_images[boot])
    assert state(driver, instance) == power_state.RUNNING
    text = wait_console(driver, instance, r'NOVALITE-GUEST ping=\w+')
    assert f"NOVALITE-GUEST hostname={instance['hostname']}" in text
    assert f"NOVALITE-GUEST public_key={instance['key_data']}" in text
    assert f"NOVALITE-GUEST user_data=hello-{instance['uuid'][:8]}" in text
    assert f"NOVALITE-GUEST ip={model.fixed_addresses(network_info)[0]}" in text
    assert 'NOVALITE-GUEST ping=ok' in text
    # The gateway the guest pinged is on the bridge, inside the test namespace.
    addresses = harness.netns_run('ip', '-br', 'addr', 'show', 'dev', 'br100').stdout
    assert '10.250.0.1/24' in addresses


def test_lifecycle_operations_reach_the_expected_states(driver, guest_images, harness):
    instance, network_info = spawn(driver, guest_images['kernel'])
    wait_console(driver, instance, 'NOVALITE-GUEST ready')

    driver.pause(None, instance, network_info)
    assert state(driver, instance) == power_state.PAUSED
    driver.unpause(None, instance, network_info)
    assert state(driver, instance) == power_state.RUNNING

    driver.suspend(None, instance, network_info)
    assert state(driver, instance) == power_state.SUSPENDED
    assert not domain(harness, instance).isActive()
    driver.resume(None, instance, network_info)
    assert state(driver, instance) == power_state.RUNNING

    # Soft: the guest's acpid powers it off on the ACPI button, then it starts
    # again; falling back to hard would take the whole shutdown_timeout.
    before = domain(harness, instance).ID()
    started = time.monotonic()
    driver.reboot(None, instance, network_info, 'SOFT')
    assert time.monotonic() - started < driver.conf.compute.shutdown_timeout
    assert state(driver, instance) == power_state.RUNNING
    assert domain(harness, instance).ID() != before
    wait_console(driver, instance, 'NOVALITE-GUEST ready')

    before = domain(harness, instance).ID()
    driver.reboot(None, instance, network_info, 'HARD')
    assert state(driver, instance) == power_state.RUNNING
    assert domain(harness, instance).ID() != before
    wait_console(driver, instance, 'NOVALITE-GUEST ready')

    driver.power_off(None, instance, network_info, timeout=30)
    assert state(driver, instance) == power_state.SHUTDOWN
    assert 'NOVALITE-GUEST acpi=poweroff' in driver.get_console_output(None, instance)
    driver.power_on(None, instance, network_info)
    assert state(driver, instance) == power_state.RUNNING

    tap = network_info[0]['devname']
    assert harness.link_exists(tap)
    driver.destroy(None, instance, network_info)
    assert instance['uuid'] not in driver.list_instance_uuids()
    with pytest.raises(exception.InstanceNotFound):
        driver.get_info(instance)
    assert not os.path.exists(os.path.join(driver.conf.instances_path, instance['uuid']))
    assert not harness.link_exists(tap)


def test_two_spawns_of_one_image_download_it_once(driver, guest_images, images, harness):
    image = guest_images['kernel']

    def spawn_in_netns(_):
        # setns is per thread: each spawning thread enters the namespace itself.
        with harness.entered():
            return spawn(driver, image)

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        spawned = list(pool.map(spawn_in_netns, range(2)))
    for instance, _info in spawned:
        assert state(driver, instance) == power_state.RUNNING
    properties = image['properties']
    assert images.downloads == {image['id']: 1, properties['kernel_id']: 1,
                                properties['ramdisk_id']: 1}


@pytest.mark.parametrize('kind', ['format_mismatch', 'backing_file'])
def test_unacceptable_image_is_refused_and_leaves_nothing(driver, images, tmp_path, harness,
                                                          kind):
    if kind == 'format_mismatch':
        image = images.create('liar', make_disk(tmp_path / 'q.qcow2', 'qcow2'),
                              disk_format='raw')
    else:
        secret = make_disk(tmp_path / 'secret.raw')
        image = images.create('sneaky', make_disk(tmp_path / 'b.qcow2', 'qcow2',
                                                  backing=secret), disk_format='qcow2')
    with pytest.raises(exception.ImageUnacceptable) as caught:
        spawn(driver, image)
    instance, network_info = driver.spawned[-1]
    assert 'format' in str(caught.value) or 'backing' in str(caught.value)
    assert instance['uuid'] not in driver.list_instance_uuids()
    assert not os.path.exists(os.path.join(driver.conf.instances_path, instance['uuid']))
    base = os.path.join(driver.conf.instances_path, '_base', imagecache.base_name(image['id']))
    assert not os.path.exists(base)
    assert not harness.link_exists(network_info[0]['devname'])
