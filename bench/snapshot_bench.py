"""Benchmark: snapshots and unshelve of the tiny test guest on libvirt (TCG).

* driver: ``LibvirtDriver.snapshot`` of a running guest (a push backup job)
  and of a stopped one (``qemu-img convert``), each against ``qemu-img
  convert -O qcow2`` of the same overlay by hand (``-U`` while the guest
  runs): novalite's overhead (target <= 0.5 s) is the difference;
* full stack: separate daemons on RabbitMQ with a libvirt compute
  (:class:`tests.integration.libvirt.fullstack.LibvirtCloud`): ``createImage``
  -> the image ``active`` and the server idle; ``unshelve`` of a
  SHELVED_OFFLOADED server -> ACTIVE and -> the guest's console showing the
  mark it wrote on its disk before it was shelved.

Usage: ``python bench/snapshot_bench.py [--runs N] [--only driver|full-stack]`` as
root, with RabbitMQ on 127.0.0.1:5672 for the full-stack figures.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from bench import libvirt_boot  # noqa: E402
from novalite.conf import CONF  # noqa: E402
from novalite.image import local as local_image  # noqa: E402
from novalite.virt.libvirt import driver as libvirt_driver  # noqa: E402
from novalite.virt.libvirt import imagebackend  # noqa: E402
from tests.guest import build as guest_build  # noqa: E402
from tests.integration.libvirt import fullstack  # noqa: E402

TIMEOUT = 120
POLL = 0.02
OVERHEAD_TARGET = 0.5
FLAVOR = {'name': 'bench', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': 'bench'}


def _by_hand(disk, out, running):
    force_share = ['-U'] if running else []
    subprocess.run(['qemu-img', 'convert', *force_share, '-f', 'qcow2', '-O', 'qcow2', disk,
                    out], check=True, capture_output=True)
    os.remove(out)


def _stats(values):
    return (f'mean {statistics.mean(values):6.3f} s   min {min(values):6.3f} s   '
            f'max {max(values):6.3f} s')


def _driver_pair(drv, instance, running, runs, workdir):
    disk = os.path.join(CONF.instances_path, instance['uuid'], imagebackend.ROOT)
    ours, bare = [], []
    for _ in range(runs):
        start = time.monotonic()
        snap = drv.snapshot(None, instance, {}, lambda state: None)
        ours.append(time.monotonic() - start)
        os.remove(snap.path)
        start = time.monotonic()
        _by_hand(disk, os.path.join(workdir, 'hand.qcow2'), running)
        bare.append(time.monotonic() - start)
    label = 'live' if running else 'cold'
    overhead = statistics.mean(ours) - statistics.mean(bare)
    verdict = 'ok' if overhead <= OVERHEAD_TARGET else 'OVER'
    print(f'driver.snapshot ({label})     {_stats(ours)}')
    print(f'qemu-img convert by hand    {_stats(bare)}')
    print(f'novalite overhead ({label})   {overhead:+6.3f} s per snapshot '
          f'(target <= {OVERHEAD_TARGET} s: {verdict})')


def run_driver(uri, runs, workdir):
    libvirt_boot.configure(uri, workdir)
    images = local_image.LocalImageService(CONF.image.images_path)
    image = libvirt_boot.register_guest(images)
    drv = libvirt_driver.LibvirtDriver(conf=CONF, image_service=images)
    drv.init_host(CONF.host)
    instance = libvirt_boot.new_instance(image)
    drv.spawn(None, instance, image, [], None, [])
    console = os.path.join(CONF.instances_path, instance['uuid'], 'console.log')
    libvirt_boot.wait_for(console, b'root wrote=', time.monotonic())
    size = os.path.getsize(os.path.join(CONF.instances_path, instance['uuid'],
                                        imagebackend.ROOT))
    print(f'tiny guest, TCG, {runs} runs each; overlay {size} bytes over a 1 MiB raw base')
    try:
        _driver_pair(drv, instance, True, runs, workdir)
        drv.power_off(None, instance, [], timeout=0)
        _driver_pair(drv, instance, False, runs, workdir)
    finally:
        drv.destroy(None, instance, [])
        drv.cleanup_host(CONF.host)


def _wait(cloud, predicate, what):
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > TIMEOUT:
            raise RuntimeError(f'{what} not after {TIMEOUT} s')
        time.sleep(POLL)
    return time.monotonic() - start


def _state(cloud, server_id):
    server = cloud.client.servers.get(server_id)
    return server['status'], server['OS-EXT-STS:task_state']


def _image_status(cloud, image_id):
    path = os.path.join(cloud.workdir, 'images', image_id + '.json')
    try:
        return json.loads(pathlib.Path(path).read_text())['status']
    except (FileNotFoundError, ValueError):
        return None


def run_full_stack(harness, runs, workdir):
    quiet = {'DEFAULT': {'report_interval': 10, 'service_down_time': 60,
                         'periodic_interval': 10},
             'compute': {'resource_report_interval': 60}}
    cloud = fullstack.LibvirtCloud(harness, os.path.join(workdir, 'cloud'),
                                   f'sqlite:///{workdir}/cloud.sqlite', options=quiet).start()
    snapshots, unshelves, consoles = [], [], []
    try:
        cloud.client.flavors.create(**FLAVOR)
        image_id = cloud.register_guest(guest_build.build(with_disk=False))['kernel_boot']
        server_id = cloud.client.servers.create('bench', image_id, FLAVOR['id'],
                                                config_drive=True, networks='none')['id']
        _wait(cloud, lambda: _state(cloud, server_id) == ('ACTIVE', None), 'ACTIVE')
        cloud.wait_console(server_id, 'root wrote=')
        for index in range(runs):
            headers = {}
            start = time.monotonic()
            cloud.client.post(f'/servers/{server_id}/action',
                              {'createImage': {'name': f'snap-{index}'}}, microversion='2.1',
                              response_headers=headers)
            snap_id = headers['Location'].rsplit('/', 1)[1]
            _wait(cloud, lambda snap_id=snap_id: _image_status(cloud, snap_id) == 'active'
                  and _state(cloud, server_id) == ('ACTIVE', None), 'the snapshot')
            snapshots.append(time.monotonic() - start)
        for _index in range(runs):
            cloud.client.post(f'/servers/{server_id}/action', {'shelve': None})
            _wait(cloud, lambda: _state(cloud, server_id) == ('SHELVED_OFFLOADED', None),
                  'SHELVED_OFFLOADED')
            console = os.path.join(cloud.instance_dir(server_id), 'console.log')
            start = time.monotonic()
            cloud.client.post(f'/servers/{server_id}/action', {'unshelve': None})
            _wait(cloud, lambda: _state(cloud, server_id) == ('ACTIVE', None), 'ACTIVE')
            unshelves.append(time.monotonic() - start)
            consoles.append(libvirt_boot.wait_for(console, b'root has=', start))
    finally:
        cloud.stop()
    print(f'full stack (api, conductor, scheduler, libvirt compute on RabbitMQ), {runs} runs')
    print(f'createImage -> image active   {_stats(snapshots)}')
    print(f'unshelve (offloaded) -> ACTIVE  {_stats(unshelves)}')
    print(f'unshelve -> disk mark on console {_stats(consoles)}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--only', choices=('driver', 'full-stack'))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='novalite-snapbench-') as workdir:
        libvirt_boot.run_both(f'novalite-snapbench-{os.getpid()}', args, workdir,
                              run_driver, run_full_stack)


if __name__ == '__main__':
    main()
