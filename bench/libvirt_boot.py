"""Benchmark: LibvirtDriver.spawn against a bare ``virsh create`` of the same domain.

For each of ``--runs`` boots of the tiny test guest (tests/guest/build.py,
direct kernel boot, config drive, one vif) it measures, with the base image
already cached:

* spawn -> running: ``driver.spawn`` returns (overlay, config drive, vif
  plug, define, start, wait running);
* spawn -> first console line: the guest wrote its first line on ttyS0 (the
  kernel runs ``quiet``, so that is its /init's first marker);

then the same for ``virsh create`` of the very domain XML the driver
generated (disks, config drive and bridge already in place), which is the
floor any driver pays. The private libvirtd of the integration tests is used
unless ``--uri`` names another one (then run it inside the network namespace
the bridge should live in).

Usage: ``python bench/libvirt_boot.py [--runs N] [--uri URI]`` as root.
"""

import argparse
import base64
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import libvirt  # noqa: E402

from novalite.conf import CONF  # noqa: E402
from novalite.db import engine, models  # noqa: E402
from novalite.image import local as local_image  # noqa: E402
from novalite.network import api as network_api  # noqa: E402
from novalite.virt.libvirt import driver as libvirt_driver  # noqa: E402
from tests.guest import build as guest_build  # noqa: E402
from tests.integration.libvirt import harness as harness_mod  # noqa: E402

POLL = 0.005
TIMEOUT = 120


def configure(uri, workdir):
    CONF([], project='novalite', default_config_files=[])
    CONF.set_override('state_path', workdir)
    CONF.set_override('instances_path', os.path.join(workdir, 'instances'))
    CONF.set_override('images_path', os.path.join(workdir, 'images'), group='image')
    CONF.set_override('connection_uri', uri, group='libvirt')
    CONF.set_override('virt_type', 'qemu', group='libvirt')
    engine.configure(f'sqlite:///{workdir}/bench.sqlite')
    models.Base.metadata.create_all(engine.get_engine())


def register_guest(images):
    files = guest_build.build(with_disk=False)
    aki = images.create('k', files['kernel'], disk_format='aki', container_format='aki')
    ari = images.create('r', files['initrd'], disk_format='ari', container_format='ari')
    root = pathlib.Path(images.images_path) / 'root.src'
    root.write_bytes(b'\0' * 1024 * 1024)
    return images.create('tiny', str(root), disk_format='raw', properties={
        'kernel_id': aki['id'], 'ramdisk_id': ari['id'],
        'os_command_line': files['cmdline']})


def new_instance(image):
    instance_uuid = str(uuid.uuid4())
    return {'uuid': instance_uuid, 'name': f'instance-{instance_uuid}',
            'hostname': 'bench', 'display_name': 'bench', 'vcpus': 1, 'memory_mb': 192,
            'root_gb': 0, 'ephemeral_gb': 0, 'swap': 0, 'flavor': {'name': 'tiny'},
            'image_ref': image['id'], 'kernel_id': '', 'ramdisk_id': '', 'metadata': {},
            'system_metadata': {}, 'key_name': 'k', 'key_data': 'ssh-ed25519 AAAA bench',
            'user_data': base64.b64encode(b'bench\n').decode(), 'config_drive': True,
            'availability_zone': 'nova', 'project_id': 'p', 'user_id': 'u'}


def wait_for(path, needle, start):
    """Seconds from ``start`` until ``needle`` appears in the file at ``path``."""
    deadline = start + TIMEOUT
    while time.monotonic() < deadline:
        try:
            with open(path, 'rb') as f:
                if needle in f.read():
                    return time.monotonic() - start
        except FileNotFoundError:
            pass
        time.sleep(POLL)
    raise RuntimeError(f"{needle!r} not in {path} after {TIMEOUT} s")


def bench_driver(drv, image, network_info):
    instance = new_instance(image)
    console = os.path.join(CONF.instances_path, instance['uuid'], 'console.log')
    start = time.monotonic()
    drv.spawn(None, instance, image, [], None, network_info)
    running = time.monotonic() - start
    return instance, (running, wait_for(console, b'\n', start))


def bench_virsh(uri, xml_path, console, name):
    os.truncate(console, 0)
    start = time.monotonic()
    subprocess.run(['virsh', '-q', '-c', uri, 'create', xml_path], check=True,
                   capture_output=True)
    running = time.monotonic() - start
    first_line = wait_for(console, b'\n', start)
    subprocess.run(['virsh', '-q', '-c', uri, 'destroy', name], check=True,
                   capture_output=True)
    return running, first_line


def report(label, samples):
    names = ('-> running', '-> first console line')
    for index, name in enumerate(names):
        values = [s[index] for s in samples]
        print(f'{label:14s} {name:24s} mean {statistics.mean(values):6.3f} s   '
              f'min {min(values):6.3f} s   max {max(values):6.3f} s')


def run(uri, runs, workdir):
    configure(uri, workdir)
    images = local_image.LocalImageService(CONF.image.images_path)
    image = register_guest(images)
    drv = libvirt_driver.LibvirtDriver(conf=CONF, image_service=images)
    drv.init_host(CONF.host)
    network_info = network_api.allocate_for_instance(None, 'bench', CONF.host)
    # Warm-up: fills the _base cache and creates the bridge.
    warm, _ = bench_driver(drv, image, network_info)
    drv.destroy(None, warm, network_info)
    driver_samples = []
    for _ in range(runs):
        instance, sample = bench_driver(drv, image, network_info)
        driver_samples.append(sample)
        xml = libvirt.open(uri).lookupByName(instance['name']).XMLDesc(
            libvirt.VIR_DOMAIN_XML_INACTIVE)
        drv.destroy(None, instance, network_info, destroy_disks=False)
    # The last instance's files and XML serve the bare runs.
    xml_path = os.path.join(workdir, 'domain.xml')
    pathlib.Path(xml_path).write_text(xml)
    console = os.path.join(CONF.instances_path, instance['uuid'], 'console.log')
    virsh_samples = [bench_virsh(uri, xml_path, console, instance['name'])
                     for _ in range(runs)]
    drv.destroy(None, instance, network_info)
    drv.cleanup_host(CONF.host)
    print(f'tiny guest, TCG, {runs} runs each, base image cached')
    report('driver.spawn', driver_samples)
    report('virsh create', virsh_samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--uri', help='libvirt URI (default: start a private libvirtd)')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='novalite-bench-') as workdir:
        if args.uri:
            run(args.uri, args.runs, workdir)
            return
        harness = harness_mod.LibvirtHarness(f'novalite-bench-{os.getpid()}').start()
        try:
            with harness.entered():
                run(harness.uri, args.runs, workdir)
        finally:
            harness.stop()


if __name__ == '__main__':
    main()
