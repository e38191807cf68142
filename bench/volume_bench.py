"""Benchmark: volume attach/detach and create-from-image against the bare tools.

Three figures, on the private libvirtd and a private tgtd in the test
harness's network namespace, with the tiny test guest (it marks or reads
each new disk and says so on its serial console):

* attach -> visible: ``LibvirtDriver.attach_volume`` (CHAP secret, network
  disk XML, hot-plug live and persistent) until the guest prints that it
  saw the disk, against ``virsh attach-device --live --config`` of the very
  disk XML novalite made (secret already defined);
* detach: ``LibvirtDriver.detach_volume`` (unplug, wait until the guest let
  go, forget the secret) against ``virsh detach-device --live --config``
  then waiting the same way, and both until the guest prints the disk gone;
* create from image: the tgt volume driver's ``create_volume_from_image``
  (image fetched from the image store, size checked, ``qemu-img convert``
  into a sparse file, grown to the volume's size) against ``qemu-img
  convert`` of the same file by hand.

novalite's overhead target over the bare tools is 0.3 s for attach and detach.

Usage: ``python bench/volume_bench.py [--runs N] [--image-mib M]`` as root.
"""

import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import libvirt  # noqa: E402

from novalite.conf import CONF  # noqa: E402
from novalite.image import local as local_image  # noqa: E402
from novalite.virt.libvirt import driver as libvirt_driver  # noqa: E402
from novalite.virt.libvirt import volume as libvirt_volume  # noqa: E402
from novalite.volume import cinder, drivers  # noqa: E402
from novalite.volume.drivers import tgt  # noqa: E402
from tests.guest import build as guest_build  # noqa: E402
from tests.integration import tgt as tgt_server  # noqa: E402
from tests.integration.libvirt import harness as harness_mod  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from libvirt_boot import configure, new_instance, register_guest  # noqa: E402

POLL = 0.005
TIMEOUT = 120
OVERHEAD_TARGET = 0.3
GiB = 1024 ** 3


def console_count(path, pattern):
    try:
        return len(re.findall(pattern, pathlib.Path(path).read_text(errors='replace')))
    except FileNotFoundError:
        return 0


def wait_count(path, pattern, count, start):
    """Seconds from ``start`` until ``pattern`` is on the console ``count`` times."""
    while time.monotonic() < start + TIMEOUT:
        if console_count(path, pattern) >= count:
            return time.monotonic() - start
        time.sleep(POLL)
    raise RuntimeError(f"{pattern!r} not {count} times on {path} after {TIMEOUT} s")


SEEN = r'disk vdb (?:wrote|has)='
GONE = r'disk vdb gone'


def new_volume(volume_driver):
    volume = {'uuid': str(uuid.uuid4()), 'size': 1}
    volume_driver.create_volume(volume)
    volume.update(volume_driver.create_export(volume))
    flat = dict(drivers.connection_info(volume), attachment_id='bench')
    return volume, cinder.translate_connection_info(flat)


def gone_from_live(domain, dev):
    return libvirt_volume.wait_until(
        lambda: not libvirt_volume.find_disk(domain.XMLDesc(0), dev), TIMEOUT, POLL)


def novalite_cycle(drv, instance, info, console):
    seen, gone = console_count(console, SEEN), console_count(console, GONE)
    start = time.monotonic()
    drv.attach_volume(None, info, instance, '/dev/vdb')
    visible = wait_count(console, SEEN, seen + 1, start)
    start = time.monotonic()
    drv.detach_volume(None, info, instance, '/dev/vdb')
    detached = time.monotonic() - start
    return visible, detached, wait_count(console, GONE, gone + 1, start)


def virsh_cycle(uri, domain, name, disk_xml_path, console):
    seen, gone = console_count(console, SEEN), console_count(console, GONE)
    start = time.monotonic()
    subprocess.run(['virsh', '-q', '-c', uri, 'attach-device', name, disk_xml_path, '--live',
                    '--config'], check=True, capture_output=True)
    visible = wait_count(console, SEEN, seen + 1, start)
    start = time.monotonic()
    subprocess.run(['virsh', '-q', '-c', uri, 'detach-device', name, disk_xml_path, '--live',
                    '--config'], check=True, capture_output=True)
    gone_from_live(domain, 'vdb')
    detached = time.monotonic() - start
    return visible, detached, wait_count(console, GONE, gone + 1, start)


def report(label, samples, names):
    for index, name in enumerate(names):
        values = [s[index] for s in samples]
        print(f'{label:22s} {name:26s} mean {statistics.mean(values):6.3f} s   '
              f'min {min(values):6.3f} s   max {max(values):6.3f} s')


def overhead(samples, bare, index, name, target=OVERHEAD_TARGET):
    value = statistics.mean(s[index] for s in samples) - statistics.mean(b[index] for b in bare)
    verdict = '' if target is None else \
        f" (target <= {target} s: {'ok' if value <= target else 'OVER'})"
    print(f'novalite overhead {name:28s} {value:+6.3f} s{verdict}')


def bench_attach(uri, harness, runs, workdir):
    images = local_image.LocalImageService(CONF.image.images_path)
    image = register_guest(images)
    drv = libvirt_driver.LibvirtDriver(conf=CONF, image_service=images)
    drv.init_host(CONF.host)
    volume_driver = tgt.TgtDriver(CONF)
    instance = dict(new_instance(image), root_gb=0)
    drv.spawn(None, instance, image, [], None, [])
    console = os.path.join(CONF.instances_path, instance['uuid'], 'console.log')
    wait_count(console, 'NOVALITE-GUEST ready', 1, time.monotonic())
    domain = libvirt.open(uri).lookupByName(instance['name'])
    volume, info = new_volume(volume_driver)
    try:
        novalite_cycle(drv, instance, info, console)  # warm-up: first login, marker written
        samples, bare = [], []
        disk_xml = os.path.join(workdir, 'disk.xml')
        for _ in range(runs):
            samples.append(novalite_cycle(drv, instance, info, console))
            # The same disk XML, its secret defined once, outside the timing.
            pathlib.Path(disk_xml).write_text(
                drv._volume_connector.connect(info, 'vdb'))
            bare.append(virsh_cycle(uri, domain, instance['name'], disk_xml, console))
            drv._volume_connector.disconnect(info)
    finally:
        drv.destroy(None, instance, [])
        volume_driver.remove_export(volume)
        volume_driver.delete_volume(volume)
        drv.cleanup_host(CONF.host)
    names = ('attach -> seen in guest', 'detach -> gone from domain', 'detach -> guest says gone')
    print(f'tiny guest, TCG, 1 GiB tgt LUN with CHAP, {runs} runs each')
    report('driver attach/detach', samples, names)
    report('virsh attach/detach', bare, names)
    for index, name in enumerate(names):
        overhead(samples, bare, index, name)


def bench_create(runs, image_mib, workdir):
    images = local_image.LocalImageService(CONF.image.images_path)
    source = os.path.join(workdir, 'image.raw')
    # Half data, half holes: what qemu-img's sparse copy has to tell apart.
    with open(source, 'wb') as f:
        f.write(os.urandom(image_mib * 1024 * 1024 // 2))
        f.truncate(image_mib * 1024 * 1024)
    image = images.create('bench-volume-image', source, disk_format='raw')
    volume_driver = tgt.TgtDriver(CONF)
    samples, bare = [], []
    for _ in range(runs):
        volume = {'uuid': str(uuid.uuid4()), 'size': 1}
        start = time.monotonic()
        volume_driver.create_volume_from_image(volume, images, image)
        samples.append((time.monotonic() - start,))
        volume_driver.delete_volume(volume)
        dest = os.path.join(workdir, 'by-hand.raw')
        start = time.monotonic()
        subprocess.run(['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', '-S', '4k', source,
                        dest], check=True)
        bare.append((time.monotonic() - start,))
        os.remove(dest)
    print(f'create from a {image_mib} MiB raw image (half data), 1 GiB volume, {runs} runs each')
    report('tgt create_from_image', samples, ('-> file written',))
    report('qemu-img convert', bare, ('-> file written',))
    overhead(samples, bare, 0, 'create from image', target=None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--image-mib', type=int, default=256)
    args = parser.parse_args()
    guest_build.build(with_disk=False)
    with tempfile.TemporaryDirectory(prefix='novalite-volume-bench-') as workdir:
        harness = harness_mod.LibvirtHarness(f'novalite-vbench-{os.getpid()}').start()
        server = None
        try:
            server = tgt_server.TgtServer(netns=harness.name).start()
            with harness.entered():
                configure(harness.uri, workdir)
                server.configure(CONF)
                CONF.set_override('volumes_dir', os.path.join(workdir, 'volumes'),
                                  group='volume')
                bench_attach(harness.uri, harness, args.runs, workdir)
                bench_create(args.runs, args.image_mib, workdir)
        finally:
            if server is not None:
                server.stop()
            harness.stop()


if __name__ == '__main__':
    main()
