"""Benchmark: libvirt boots through novalite against a bare ``virsh create``.

Two figures, each against ``virsh create`` of the very domain XML novalite
generated (disks, config drive and bridge already in place), which is the
floor any driver pays; the base image is always cached:

* driver: ``LibvirtDriver.spawn`` -> running (overlay, config drive, vif
  plug, define, start, wait running) and -> the guest's first console line;
* full stack: separate api, conductor, scheduler and libvirt compute daemons
  on RabbitMQ (:class:`tests.integration.libvirt.fullstack.LibvirtCloud`):
  ``POST /servers`` -> ACTIVE (polling ``GET /servers/ID``) and -> the
  guest's first console line; novalite's overhead per boot (target
  <= 0.5 s) is the difference to the bare runs.

The tiny test guest (tests/guest/build.py) boots by direct kernel boot with
a config drive and one vif; the kernel runs ``quiet``, so the first console
line is its /init's first marker. The private libvirtd of the integration
tests is used unless ``--uri`` names another one (then run it inside the
network namespace the bridge should live in; the full-stack figure needs
the private libvirtd and is skipped).

Usage: ``python bench/libvirt_boot.py [--runs N] [--uri URI] [--only driver|full-stack]``
as root, with RabbitMQ on 127.0.0.1:5672 for the full-stack figure.
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
import xml.etree.ElementTree as ET

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import libvirt  # noqa: E402

from novalite.conf import CONF  # noqa: E402
from novalite.db import engine, models  # noqa: E402
from novalite.image import local as local_image  # noqa: E402
from novalite.network import api as network_api  # noqa: E402
from novalite.virt.libvirt import driver as libvirt_driver  # noqa: E402
from tests.guest import build as guest_build  # noqa: E402
from tests.integration.libvirt import fullstack  # noqa: E402
from tests.integration.libvirt import harness as harness_mod  # noqa: E402

POLL = 0.005
# GET /servers/ID costs the API a few ms: polling it much faster would slow
# down the very boot being timed.
API_POLL = 0.02
TIMEOUT = 120
OVERHEAD_TARGET = 0.5
FLAVOR = {'name': 'bench', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': 'bench'}


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


def report(label, samples, names=('-> running', '-> first console line')):
    for index, name in enumerate(names):
        values = [s[index] for s in samples]
        print(f'{label:14s} {name:24s} mean {statistics.mean(values):6.3f} s   '
              f'min {min(values):6.3f} s   max {max(values):6.3f} s')


def report_overhead(samples, bare_samples):
    """Print novalite's mean overhead over the bare runs, per figure."""
    for index, name in enumerate(('running/ACTIVE', 'first console line')):
        overhead = (statistics.mean(s[index] for s in samples)
                    - statistics.mean(s[index] for s in bare_samples))
        verdict = 'ok' if overhead <= OVERHEAD_TARGET else 'OVER'
        print(f'novalite overhead -> {name:20s} {overhead:+6.3f} s per boot '
              f'(target <= {OVERHEAD_TARGET} s: {verdict})')


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
    report_overhead(driver_samples, virsh_samples)


# The full stack
def boot_full_stack(cloud, image_id, server_name):
    """POST /servers, then seconds to ACTIVE and to the first console line."""
    client = cloud.client
    start = time.monotonic()
    server_id = client.servers.create(server_name, image_id, FLAVOR['id'],
                                      config_drive=True)['id']
    while True:
        server = client.servers.get(server_id)
        if server['status'] in ('ACTIVE', 'ERROR'):
            break
        if time.monotonic() - start > TIMEOUT:
            raise RuntimeError(f'server {server_id} not ACTIVE after {TIMEOUT} s')
        time.sleep(API_POLL)
    active = time.monotonic() - start
    if server['status'] == 'ERROR':
        raise RuntimeError(f"server {server_id} in ERROR: {server.get('fault')}")
    console = os.path.join(cloud.instance_dir(server_id), 'console.log')
    return server_id, (active, wait_for(console, b'\n', start))


def delete_full_stack(cloud, server_id):
    cloud.client.servers.delete(server_id)
    cloud.wait_for(lambda: cloud.domain(server_id) is None and not any(
        s['id'] == server_id for s in cloud.client.servers.list(all_tenants=True)),
        f'server {server_id} deleted', timeout=TIMEOUT, interval=0.05)


def bare_xml(cloud, server_id):
    """The server's domain XML as a new domain: its own name and uuid, same files."""
    root = ET.fromstring(cloud.domain(server_id).XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
    root.find('name').text = 'bench-bare'
    root.find('uuid').text = str(uuid.uuid4())
    return ET.tostring(root, encoding='unicode')


def run_full_stack(harness, runs, workdir):
    # Production-like intervals: the tests' 1 s heartbeats would take CPU
    # from the TCG guests being timed.
    quiet = {'DEFAULT': {'report_interval': 10, 'service_down_time': 60,
                         'periodic_interval': 10},
             'compute': {'resource_report_interval': 60}}
    cloud = fullstack.LibvirtCloud(harness, os.path.join(workdir, 'cloud'),
                                   f'sqlite:///{workdir}/cloud.sqlite', options=quiet).start()
    try:
        cloud.client.flavors.create(**FLAVOR)
        image_id = cloud.register_guest(guest_build.build(with_disk=False))['kernel_boot']
        # Warm-up: fills the _base cache, creates the bridge, opens connections.
        # Then, stopped, its files and domain XML serve the bare runs.
        warm, _ = boot_full_stack(cloud, image_id, 'bench-warm')
        xml_path = os.path.join(workdir, 'full-stack-domain.xml')
        pathlib.Path(xml_path).write_text(bare_xml(cloud, warm))
        cloud.client.servers.stop(warm)
        cloud.wait_for(lambda: cloud.client.servers.get(warm)['status'] == 'SHUTOFF',
                       'the warm-up server to stop', timeout=TIMEOUT)
        console = os.path.join(cloud.instance_dir(warm), 'console.log')
        samples, bare_samples = [], []
        # Interleaved, so that both kinds of boot see the same background load.
        for index in range(runs):
            server_id, sample = boot_full_stack(cloud, image_id, f'bench-{index}')
            samples.append(sample)
            delete_full_stack(cloud, server_id)
            bare_samples.append(bench_virsh(harness.uri, xml_path, console, 'bench-bare'))
        delete_full_stack(cloud, warm)
    finally:
        cloud.stop()
    print(f'full stack (api, conductor, scheduler, libvirt compute on RabbitMQ), '
          f'{runs} runs each, base image cached')
    report('POST /servers', samples, ('-> ACTIVE', '-> first console line'))
    report('virsh create', bare_samples)
    report_overhead(samples, bare_samples)


def run_both(name, args, workdir, driver_run, full_stack_run):
    """Runs the driver figure inside a private libvirtd's namespace and the
    full-stack one outside it, as ``args.only`` asks."""
    # Built (or found in its cache) out here: the namespace has no route to
    # the Debian mirror the guest's kernel comes from.
    guest_build.build()
    harness = harness_mod.LibvirtHarness(name).start()
    try:
        if args.only != 'full-stack':
            driver_dir = os.path.join(workdir, 'driver')
            os.makedirs(driver_dir)
            with harness.entered():
                driver_run(harness.uri, args.runs, driver_dir)
        unavailable = fullstack.rabbit_unavailable()
        if args.only != 'driver' and unavailable:
            print(f'full stack skipped: {unavailable}')
        elif args.only != 'driver':
            # Outside the namespace: the daemons' API and RabbitMQ are on
            # the host's loopback; only the compute runs inside.
            full_stack_run(harness, args.runs, workdir)
    finally:
        harness.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--uri', help='libvirt URI (default: start a private libvirtd)')
    parser.add_argument('--only', choices=('driver', 'full-stack'),
                        help='run one figure only (default: both)')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='novalite-bench-') as workdir:
        if args.uri:
            run(args.uri, args.runs, workdir)
            return
        run_both(f'novalite-bench-{os.getpid()}', args, workdir, run, run_full_stack)


if __name__ == '__main__':
    main()
