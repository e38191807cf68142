"""Rescue and the guest agent on real guests, through the libvirt driver.

The tiny guest marks its blank boot disk ``NOVALITE-ROOT from <hostname>``
and reports the marks of the disks it sees, so a rescue shows which disk
booted and that the server's own disk is visible; it runs ``qemu-ga`` and
prints root's ``/etc/shadow`` line when it changes, so a password set
through libvirt is checked inside the guest, hash for hash; a snapshot that
requires quiescing asks the same agent to freeze and thaw the guest.
"""

import json
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET

import libvirt
import libvirt_qemu
import pytest

from novalite import exception
from tests.integration.libvirt.conftest import spawn, wait_console

pytestmark = pytest.mark.integration

RESCUE_MARK = 'NOVALITE-RESCUE-DISK'
AGENT_TIMEOUT = 60


@pytest.fixture
def agent_image(images, guest_files, tmp_path):
    """The kernel-boot guest whose image asks for the guest agent."""
    aki = images.create('tiny-kernel', guest_files['kernel'], disk_format='aki',
                        container_format='aki')
    ari = images.create('tiny-ramdisk', guest_files['initrd'], disk_format='ari',
                        container_format='ari')
    root = tmp_path / 'root.raw'
    root.write_bytes(b'\0' * 1024 * 1024)
    return images.create('tiny-agent', str(root), disk_format='raw', properties={
        'kernel_id': aki['id'], 'ramdisk_id': ari['id'],
        'os_command_line': guest_files['cmdline'], 'hw_qemu_guest_agent': 'yes'})


def _rescue_image(images, agent_image, tmp_path, **properties):
    """A raw root whose first line is the rescue mark, booting the same kernel."""
    root = tmp_path / 'rescue.raw'
    root.write_bytes((RESCUE_MARK + '\n').encode().ljust(1024 * 1024, b'\0'))
    return images.create('tiny-rescue', str(root), disk_format='raw', properties={
        **{key: agent_image['properties'][key]
           for key in ('kernel_id', 'ramdisk_id', 'os_command_line')}, **properties})


def _spawn_agent_guest(driver, image):
    instance, network_info = spawn(driver, image, with_network=False, system_metadata={
        'image_hw_qemu_guest_agent': 'yes', 'image_base_image_ref': image['id']})
    wait_console(driver, instance, f"root wrote=NOVALITE-ROOT from {instance['hostname']}")
    return instance, network_info


def _last_boot(driver, instance, needle, timeout=90):
    """What the guest printed since it last booted, once ``needle`` is in it."""
    deadline = time.monotonic() + timeout
    while True:
        text = driver.get_console_output(None, instance)
        booted = text[text.rfind('NOVALITE-GUEST boot'):] if 'NOVALITE-GUEST boot' in text else ''
        if needle in booted:
            return booted
        assert time.monotonic() < deadline, f"{needle!r} not on the console:\n{text[-3000:]}"
        time.sleep(0.5)


def _disks(driver, instance):
    domain = driver._host.lookup(instance['name'])
    tree = ET.fromstring(domain.XMLDesc(0))
    return {disk.find('target').get('dev'): (
        (disk.find('source').get('file') or '').rsplit('/', 1)[-1],
        None if disk.find('boot') is None else disk.find('boot').get('order'))
        for disk in tree.iter('disk')}


def test_a_password_set_through_the_agent_is_the_one_in_the_guests_shadow(driver, agent_image):
    instance, _ = _spawn_agent_guest(driver, agent_image)
    wait_console(driver, instance, 'agent=started')
    deadline = time.monotonic() + AGENT_TIMEOUT
    while True:
        try:
            driver.set_admin_password(instance, 'Sw0rdfish!')
            break
        except exception.PasswordSetNotImplemented:
            # qemu-ga answers a few seconds after it starts.
            assert time.monotonic() < deadline, 'the agent never answered'
            time.sleep(1)
    text = wait_console(driver, instance, r'shadow=root:\$6\$', timeout=30)
    salt, digest = re.search(r'shadow=root:\$6\$([^$]+)\$([^:]+):', text).groups()
    expected = subprocess.run(['openssl', 'passwd', '-6', '-salt', salt, 'Sw0rdfish!'],
                              capture_output=True, text=True, check=True).stdout.strip()
    assert expected == f'$6${salt}${digest}'


def test_a_guest_without_the_agent_is_refused_a_password_change(driver, guest_images):
    instance, _ = spawn(driver, guest_images['kernel'], with_network=False)
    with pytest.raises(exception.QemuGuestAgentNotEnabled):
        driver.set_admin_password(instance, 'secret')


def test_rescue_boots_the_rescue_disk_with_the_servers_disk_second_and_unrescue_restores(
        driver, images, agent_image, tmp_path):
    instance, network_info = _spawn_agent_guest(driver, agent_image)
    own_mark = f"NOVALITE-ROOT from {instance['hostname']}"
    rescue_image = _rescue_image(images, agent_image, tmp_path)

    driver.rescue(None, instance, network_info, rescue_image, 'rescue-pass')

    assert _disks(driver, instance) == {'vda': ('disk.rescue', None), 'vdb': ('disk', None),
                                        'hdd': ('disk.config.rescue', None)}
    booted = _last_boot(driver, instance, f'disk vdb has={own_mark}')
    assert f'root has={RESCUE_MARK}' in booted
    instance_dir = os.path.join(driver.conf.instances_path, instance['uuid'])
    assert os.path.exists(os.path.join(instance_dir, 'unrescue.xml'))

    driver.unrescue(None, instance, network_info)

    assert _disks(driver, instance) == {'vda': ('disk', None), 'hdd': ('disk.config', None)}
    booted = _last_boot(driver, instance, 'NOVALITE-GUEST ready')
    assert f'root has={own_mark}' in booted
    assert 'disk vdb' not in booted
    assert not [name for name in os.listdir(instance_dir)
                if name.endswith('.rescue') or name == 'unrescue.xml']
    assert driver._host.lookup(instance['name']).state()[0] == libvirt.VIR_DOMAIN_RUNNING


def test_stable_device_rescue_keeps_the_disks_where_they_were_and_boots_the_rescue_disk(
        driver, images, agent_image, tmp_path):
    instance, network_info = _spawn_agent_guest(driver, agent_image)
    rescue_image = _rescue_image(images, agent_image, tmp_path, hw_rescue_device='disk',
                                 hw_rescue_bus='virtio')

    driver.rescue(None, instance, network_info, rescue_image, 'rescue-pass')

    assert _disks(driver, instance) == {'vda': ('disk', None), 'vdb': ('disk.rescue', '1'),
                                        'hdd': ('disk.config.rescue', None)}
    booted = _last_boot(driver, instance, f'disk vdb has={RESCUE_MARK}')
    assert f"root has=NOVALITE-ROOT from {instance['hostname']}" in booted


def test_a_snapshot_that_requires_quiesce_freezes_through_the_agent_then_thaws(
        driver, agent_image):
    instance, _ = _spawn_agent_guest(driver, agent_image)
    wait_console(driver, instance, 'agent=started')
    properties = {'hw_qemu_guest_agent': 'yes', 'os_require_quiesce': 'yes'}
    deadline = time.monotonic() + AGENT_TIMEOUT
    while True:
        try:
            snap = driver.snapshot(None, instance, properties, lambda state: None)
            break
        except exception.InstanceQuiesceFailed:
            # qemu-ga answers a few seconds after it starts.
            assert time.monotonic() < deadline, 'the agent never froze the guest'
            time.sleep(1)
    assert os.path.getsize(snap.path) > 0
    domain = driver._host.lookup(instance['name'])
    status = libvirt_qemu.qemuAgentCommand(
        domain, json.dumps({'execute': 'guest-fsfreeze-status'}), AGENT_TIMEOUT, 0)
    assert json.loads(status)['return'] == 'thawed'
