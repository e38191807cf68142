"""Moves of a real guest through novalite against doing them by hand.

Two libvirt hosts on this machine (:mod:`tests.integration.libvirt.twohost`),
a novalite cloud with a compute on each, one tiny guest:

* live: ``os-migrateLive`` (block migration) there and back ``--rounds``
  times, API call → migration ``completed`` and the server ACTIVE without a
  task, against bare ``virsh migrate --live --p2p --copy-storage-inc`` of the
  same domain between the same hosts (the destination's overlay made by hand
  first, not timed), once with libvirt's default allowed downtime and once
  with the one novalite's monitor allows first (Nova's first downtime step,
  set at its first poll): a lower downtime takes the copy more rounds, so
  the second is what novalite adds; the downtime of each from libvirt's
  completed job statistics on the destination.
* cold: ``migrate`` API call → VERIFY_RESIZE (the guest running on the
  destination), against copying the instance's files by hand (``cp``), the
  part of a cold move that grows with the disk.

Each round moves the guest there and back with novalite, then with virsh,
so that the shared machine's busier minutes weigh on both kinds. The compute
daemons are stopped (SIGSTOP) while virsh moves the guest, so that they do
not react to it. Run as root, with RabbitMQ on 127.0.0.1::

    python bench/live_migration_bench.py --rounds 3
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import libvirt
from oslo_config import cfg

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from novalite.conf import migration as migration_opts  # noqa: E402
from novalite.virt.libvirt import migration, qemuimg  # noqa: E402
from tests.guest import build as guest_build  # noqa: E402
from tests.integration.libvirt import twohost  # noqa: E402

FLAVOR = {'name': 'tiny', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': '100'}
SETTLE = 2


def _wait(predicate, what, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f'timed out waiting for {what}')


def _host(cloud, server_id):
    return cloud.client.servers.get(server_id)['OS-EXT-SRV-ATTR:host']


def _downtime(cloud, host, server_id):
    dom = cloud.domain_on(host, server_id)
    return dom.jobStats(libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED).get('downtime')


def _settled(cloud, server_id, status, host=None):
    """One GET per poll: the poller must not load the 2-core machine it measures."""
    server = cloud.client.servers.get(server_id)
    return server['status'] == status and not server['OS-EXT-STS:task_state'] and \
        host in (None, server['OS-EXT-SRV-ATTR:host'])


def _phases(cloud, host):
    """``(migrateToURI3, preparation)`` seconds of the last move from ``host``'s log."""
    log = cloud.log(host)
    inside = re.findall(r'done in ([0-9.]+) s', log)
    prepared = re.findall(r'prepared in ([0-9.]+) s', log)
    return (float(inside[-1]) if inside else None, float(prepared[-1]) if prepared else None)


def novalite_live(cloud, server_id, phases):
    source = _host(cloud, server_id)
    dest = cloud.HOSTS[1 - cloud.HOSTS.index(source)]
    started = time.monotonic()
    cloud.client.servers.live_migrate(server_id)
    _wait(lambda: _settled(cloud, server_id, 'ACTIVE', host=dest), 'the live migration')
    total = time.monotonic() - started
    phases.append(_phases(cloud, source))
    return total, _downtime(cloud, dest, server_id)


def _prepare_by_hand(cloud, server_id, source, dest):
    """The destination's directory as novalite's pre_live_migration makes it."""
    src_dir = cloud.instance_dir_on(source, server_id)
    dst_dir = cloud.instance_dir_on(dest, server_id)
    shutil.rmtree(dst_dir, ignore_errors=True)
    os.makedirs(dst_dir)
    for name in os.listdir(src_dir):
        if name not in ('disk', 'console.log'):
            shutil.copy(src_dir / name, dst_dir / name)
    info = qemuimg.info(str(src_dir / 'disk'))
    base = os.path.join(cloud.instances_paths[dest], '_base',
                        os.path.basename(info['backing-filename']))
    qemuimg.create_overlay(str(dst_dir / 'disk'), base, 'raw', int(info['virtual-size']))
    dom = cloud.domain_on(source, server_id)
    xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE).replace(f'{src_dir}/', f'{dst_dir}/')
    path = os.path.join(tempfile.gettempdir(), f'bench-dest-{server_id}.xml')
    with open(path, 'w') as f:
        f.write(xml)
    return path


def virsh_live(cloud, server_id, source, dest, downtime=None):
    """virsh's move; with ``downtime`` ``(after seconds, ms)`` the allowed downtime is
    set as novalite's monitor sets its first step, at its first poll."""
    xml = _prepare_by_hand(cloud, server_id, source, dest)
    src, dst = cloud.harness_of(source), cloud.harness_of(dest)
    started = time.monotonic()
    proc = subprocess.Popen(['ip', 'netns', 'exec', src.name, 'virsh', '-c', src.uri, 'migrate',
                             '--live', '--p2p', '--persistent', '--undefinesource',
                             '--copy-storage-inc', '--migrate-disks', 'vda', '--xml', xml,
                             '--migrateuri', f'tcp://{dst.listen_addr}', f'instance-{server_id}',
                             f'qemu+tcp://{dst.listen_addr}/system'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if downtime:
        time.sleep(downtime[0])
        try:
            cloud.domain_on(source, server_id).migrateSetMaxDowntime(downtime[1], 0)
        except (AttributeError, libvirt.libvirtError) as exc:
            print(f'  (downtime not set, the move ended first: {exc})', flush=True)
    _out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f'virsh migrate failed: {err.decode()}')
    return time.monotonic() - started, _downtime(cloud, dest, server_id)


def virsh_round_trip(cloud, server_id, downtime=None):
    """There and back with virsh, the computes stopped meanwhile; two ``(total, downtime)``."""
    home = cloud.running_on(server_id)[0]
    away = cloud.HOSTS[1 - cloud.HOSTS.index(home)]
    # Each kind starts on a quiet machine: novalite's cleanup after its move
    # (post_live_migration) and the computes' periodic tasks after SIGCONT
    # are done first.
    time.sleep(SETTLE)
    _signal_computes(cloud, signal.SIGSTOP)
    try:
        moves = [virsh_live(cloud, server_id, home, away, downtime),
                 virsh_live(cloud, server_id, away, home, downtime)]
        # virsh leaves the files it moved away from; novalite's next move must not find them.
        shutil.rmtree(cloud.instance_dir_on(away, server_id), ignore_errors=True)
    finally:
        _signal_computes(cloud, signal.SIGCONT)
    time.sleep(SETTLE)
    return moves


def novalite_downtime(compute_options):
    """``(seconds, ms)``: when novalite's monitor first allows a downtime, and how much."""
    conf = cfg.ConfigOpts()
    conf.register_opts(migration_opts.libvirt_opts, group='libvirt')
    for name, value in compute_options.get('libvirt', {}).items():
        if name in conf.libvirt:
            conf.set_override(name, value, group='libvirt')
    return conf.libvirt.live_migration_progress_interval, migration.downtime_steps(conf, 1)[0][1]


def novalite_cold(cloud, server_id):
    source = _host(cloud, server_id)
    started = time.monotonic()
    cloud.client.servers.migrate(server_id)
    _wait(lambda: _settled(cloud, server_id, 'VERIFY_RESIZE'), 'VERIFY_RESIZE')
    total = time.monotonic() - started
    cloud.client.servers.confirm_resize(server_id)
    _wait(lambda: _settled(cloud, server_id, 'ACTIVE'), 'the confirm')
    # The next clean shutdown needs the guest booted (acpid up), as a user's would be.
    cloud.wait_console(server_id, 'NOVALITE-GUEST ready')
    return total, source


def hand_copy(cloud, server_id):
    host = _host(cloud, server_id)
    src_dir = cloud.instance_dir_on(host, server_id)
    with tempfile.TemporaryDirectory(dir=cloud.workdir) as target:
        started = time.monotonic()
        subprocess.run(['cp', '--sparse=always', *[str(src_dir / name) for name in
                        os.listdir(src_dir) if name != 'console.log'], target], check=True)
        return time.monotonic() - started, sum(
            os.path.getsize(os.path.join(target, name)) for name in os.listdir(target))


def _signal_computes(cloud, sig):
    for host in cloud.HOSTS:
        cloud.procs[host][0].send_signal(sig)


def _summary(label, runs):
    totals = [total for total, _ in runs]
    downtimes = [down for _, down in runs if down is not None]
    down = f', downtime median {statistics.median(downtimes):.0f} ms' if downtimes else ''
    print(f'{label:28s} median {statistics.median(totals):.2f} s '
          f'(min {min(totals):.2f}, max {max(totals):.2f}){down}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=3, help='moves of each kind')
    parser.add_argument('--set', action='append', default=[], metavar='SECTION.KEY=VALUE',
                        help='an option for both computes, e.g. '
                             'libvirt.live_migration_downtime=3000')
    args = parser.parse_args()
    compute_options = {}
    for item in args.set:
        key, _, value = item.partition('=')
        section, _, name = key.partition('.')
        compute_options.setdefault(section, {})[name] = value
    workdir = tempfile.mkdtemp(prefix='live-migration-bench-')
    pair = twohost.HostPair().start()
    cloud = None
    try:
        cloud = twohost.TwoHostCloud(pair, workdir, f'sqlite:///{workdir}/novalite.sqlite',
                                     options={'DEFAULT': {'debug': 'False'}},
                                     compute_options=compute_options).start()
        cloud.client.flavors.create(**FLAVOR)
        images = cloud.register_guest(guest_build.build())
        server = cloud.client.servers.create('bench', images['kernel_boot'], FLAVOR['id'],
                                             config_drive=True)
        _wait(lambda: _settled(cloud, server['id'], 'ACTIVE'), 'the boot')
        cloud.wait_console(server['id'], 'NOVALITE-GUEST ready')
        server_id = server['id']

        phases, ours, bare, alike = [], [], [], []
        downtime = novalite_downtime(compute_options)
        # Interleaved, so that a busier minute of the shared machine weighs on every kind.
        for _ in range(args.rounds):
            ours += [novalite_live(cloud, server_id, phases) for _ in range(2)]
            bare += virsh_round_trip(cloud, server_id)
            alike += virsh_round_trip(cloud, server_id, downtime)
        print(f'guest: {FLAVOR["ram"]} MiB RAM, TCG; {args.rounds * 2} moves of each live kind')
        _summary('novalite live migration', ours)
        _summary('virsh migrate (bare)', bare)
        _summary(f'virsh, {downtime[1]} ms at {downtime[0]} s', alike)
        for label, runs in (('bare', bare), ('the same downtime', alike)):
            overhead = statistics.median(t for t, _ in ours) - \
                statistics.median(t for t, _ in runs)
            print(f'{"novalite overhead":28s} {overhead:+.2f} s (medians) over virsh with '
                  f'{label}')
        inside = statistics.median(p for p, _ in phases if p is not None)
        prepared = statistics.median(p for _, p in phases if p is not None)
        print(f'{"  in migrateToURI3":28s} median {inside:.2f} s')
        print(f'{"  destination preparing":28s} median {prepared:.2f} s (the rest: API, '
              f'conductor checks, post)', flush=True)

        cold = [novalite_cold(cloud, server_id)[0] for _ in range(args.rounds)]
        copies = [hand_copy(cloud, server_id) for _ in range(args.rounds)]
        _summary('novalite cold migration', [(t, None) for t in cold])
        _summary(f'cp of the files ({copies[0][1] // 1024} KiB)', [(t, None) for t, _ in copies])
    finally:
        if cloud is not None:
            cloud.stop()
        pair.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
