"""Fixtures of the real libvirt tests: a private libvirtd, the tiny guest, a driver.

Everything skips cleanly where libvirtd or the guest cannot be had (not
root, packages missing, no Debian archive to download the kernel from).
"""

import base64
import os
import re
import time
import uuid

import pytest

from novalite.db import engine, models
from novalite.network import api as network_api
from novalite.virt.libvirt import driver as libvirt_driver
from tests.guest import build as guest_build
from tests.integration.libvirt import harness as harness_mod
from tests.integration.libvirt import twohost
from tests.unit.virt.libvirt.samples import CountingImageService

CONSOLE_TIMEOUT = 90


@pytest.fixture(scope='package')
def harness():
    try:
        started = harness_mod.LibvirtHarness().start()
    except harness_mod.HarnessUnavailable as exc:
        pytest.skip(f"libvirtd unavailable: {exc}")
    yield started
    started.stop()


@pytest.fixture(scope='package')
def guest_files():
    try:
        return guest_build.build()
    except guest_build.GuestBuildError as exc:
        pytest.skip(f"cannot build the test guest: {exc}")


@pytest.fixture(scope='module')
def pair():
    """Two libvirtds in network namespaces (:class:`twohost.HostPair`), one per module."""
    started = twohost.start_pair()
    yield started
    started.stop()


@pytest.fixture
def it_conf(conf, harness, tmp_path):
    conf.set_override('connection_uri', harness.uri, group='libvirt')
    conf.set_override('virt_type', 'qemu', group='libvirt')
    conf.set_override('spawn_timeout', 60, group='libvirt')
    conf.set_override('instances_path', str(tmp_path / 'instances'))
    conf.set_override('images_path', str(tmp_path / 'images'), group='image')
    conf.set_override('shutdown_timeout', 30, group='compute')
    return conf


@pytest.fixture
def network_db(it_conf, tmp_path):
    """IPAM on SQLite, so vifs come from the real network API."""
    engine.configure(f'sqlite:///{tmp_path}/ipam.sqlite')
    models.Base.metadata.create_all(engine.get_engine())
    yield
    engine.configure('sqlite://')


@pytest.fixture
def images(it_conf):
    return CountingImageService(it_conf.image.images_path)


@pytest.fixture
def guest_images(images, guest_files, tmp_path):
    """The tiny guest as images: aki + ari + a raw root with kernel properties,
    and the bootable disk (raw) when syslinux is available."""
    aki = images.create('tiny-kernel', guest_files['kernel'], disk_format='aki',
                        container_format='aki')
    ari = images.create('tiny-ramdisk', guest_files['initrd'], disk_format='ari',
                        container_format='ari')
    root = tmp_path / 'root.raw'
    root.write_bytes(b'\0' * 1024 * 1024)
    kernel_boot = images.create('tiny-kernel-boot', str(root), disk_format='raw', properties={
        'kernel_id': aki['id'], 'ramdisk_id': ari['id'],
        'os_command_line': guest_files['cmdline']})
    disk_boot = None
    if guest_files['disk']:
        disk_boot = images.create('tiny-disk-boot', guest_files['disk'], disk_format='raw')
    return {'kernel': kernel_boot, 'disk': disk_boot}


@pytest.fixture
def driver(it_conf, harness, images):
    """A LibvirtDriver on the private libvirtd, run inside the test namespace."""
    with harness.entered():
        drv = libvirt_driver.LibvirtDriver(conf=it_conf, image_service=images)
        drv.init_host(it_conf.host)
        drv.spawned = []
        yield drv
        for instance, network_info in drv.spawned:
            drv.destroy(None, instance, network_info)
        drv.cleanup_host(it_conf.host)


def new_instance(image, **overrides):
    instance_uuid = str(uuid.uuid4())
    instance = {
        'uuid': instance_uuid, 'name': f'instance-{instance_uuid}',
        'hostname': f'tiny-{instance_uuid[:8]}', 'display_name': 'tiny', 'vcpus': 1,
        'memory_mb': 192, 'root_gb': 0, 'ephemeral_gb': 0, 'swap': 0,
        'flavor': {'name': 'tiny'}, 'image_ref': image['id'], 'kernel_id': '',
        'ramdisk_id': '', 'metadata': {}, 'system_metadata': {}, 'key_name': 'k1',
        'key_data': f'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5{instance_uuid[:8]} test@novalite',
        'user_data': base64.b64encode(f'hello-{instance_uuid[:8]}\n'.encode()).decode(),
        'config_drive': True, 'availability_zone': 'nova', 'project_id': 'p1',
        'user_id': 'u1', 'launch_index': 0}
    instance.update(overrides)
    return instance


def spawn(driver, image, with_network=True, **overrides):
    instance = new_instance(image, **overrides)
    network_info = []
    if with_network:
        network_info = network_api.allocate_for_instance(None, instance['uuid'], 'host1',
                                                         conf=driver.conf)
    driver.spawned.append((instance, network_info))
    driver.spawn(None, instance, image, [], None, network_info)
    return instance, network_info


def console_path(driver, instance):
    return os.path.join(driver.conf.instances_path, instance['uuid'], 'console.log')


def wait_console(driver, instance, pattern, timeout=CONSOLE_TIMEOUT):
    """The console's text once ``pattern`` appears in it; fails after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    text = ''
    while time.monotonic() < deadline:
        text = driver.get_console_output(None, instance)
        if re.search(pattern, text):
            return text
        time.sleep(0.2)
    pytest.fail(f"{pattern!r} not on the console after {timeout} s:\n{text[-3000:]}")
