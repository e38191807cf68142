"""Servers with an attached iSCSI volume moving between two libvirt hosts, through
the whole stack: two ``novalite-compute`` in their hosts' namespaces
(:mod:`tests.integration.libvirt.twohost`), novalite-volume and a real tgtd
whose portal both hosts reach (:class:`volume_stack.TwoHostVolumeCloud`).

The guest's user_data reads its volume's first block every second (the
guest's cache dropped first, so the read reaches the target) and writes a
tick counter a few blocks further, printing both: a guest on its new host
that prints the marker and ticks on is reading and writing the volume over
that host's own connection. The volume is never copied by the block
migration of the root disk: it stays on the storage host.

A cold migration or resize reboots the guest on its new host (or on its
source again after a revert): each line carries the kernel's boot id, so
the ticks looked at after such a move are those of a boot after it, never
lines an earlier boot left in the console log.
"""

import os
import re
import shutil
import signal

import libvirt
import pytest

from novalite.virt.libvirt import volume as libvirt_volume
from tests.integration.libvirt import twohost, volume_stack
from tests.integration.libvirt.fullstack import wait_settled
from tests.integration.libvirt.test_moves_libvirt import (
    BIGGER,
    TINY,
    host_of,
    live_migrate_and_wait,
    live_migration_running,
    migration_rows,
    other,
    wait_migration,
)

# Guests migrating against deadlines: run alone (tools/run-tests.sh).
pytestmark = [pytest.mark.integration, pytest.mark.serial]

TICK_OFFSET = 4096
VOLUME_TICKER = f'''#!/bin/sh
n=0
boot=$(cat /proc/sys/kernel/random/boot_id)
while true; do
  if [ -e /sys/block/vdb ]; then
    n=$((n+1))
    echo 1 > /proc/sys/vm/drop_caches
    has=$(dd if=/dev/vdb bs=64 count=1 2>/dev/null | tr -d '\\000' | head -n 1)
    echo "TICK-$n" | dd of=/dev/vdb bs=512 seek={TICK_OFFSET // 512} conv=fsync \
      2>/dev/null && w=ok || w=fail
    echo "NOVALITE-GUEST vol boot=$boot has=$has tick=$n write=$w" > /dev/ttyS0
  fi
  sleep 1
done
'''


@pytest.fixture(scope='module')
def cloud(pair, guest_files, tmp_path_factory):
    if shutil.which('tgtd') is None:
        pytest.skip('tgtd is not installed (apt-get install -y tgt)')
    workdir = tmp_path_factory.mktemp('volume-moves')
    with twohost.running_cloud(pair, guest_files, workdir, [TINY, BIGGER],
                               cloud_class=volume_stack.TwoHostVolumeCloud) as started:
        yield started


def volume_mark(name):
    """What the test guest of server ``name`` writes on a blank disk: its hostname,
    as metadata gives it with [api] dhcp_domain."""
    return f'NOVALITE-VOLUME from {name}.novalocal'


NAME = 'vm-moves'
MARK = volume_mark(NAME)


def server_with_volume(cloud, name, volume_name):
    """A running server of the volume ticker with a volume attached, its marker
    (:func:`volume_mark`) written and read back; ``['volume_id']`` is the volume."""
    made = cloud.client.servers.create(name, cloud.images['kernel_boot'], TINY['id'],
                                       user_data=VOLUME_TICKER, config_drive=True)
    found = wait_settled(cloud, made['id'], 'ACTIVE')
    cloud.wait_console(made['id'], 'NOVALITE-GUEST ready')
    volume = cloud.create_volume(name=volume_name)
    cloud.client.volumes.attach(made['id'], volume['id'])
    cloud.wait_console(made['id'], f'has={volume_mark(name)}', timeout=90)
    found['volume_id'] = volume['id']
    return found


@pytest.fixture(scope='module')
def server(cloud):
    return server_with_volume(cloud, NAME, 'moving-data')


# boot, marker read, tick; the marker may be empty (the volume not read yet).
_TICK = re.compile(r'NOVALITE-GUEST vol boot=(\S+) has=(.*) tick=(\d+) write=ok\s*$')


def ticks(text, old_boots=()):
    """``(marker, tick)`` of each of the ticker's lines in ``text`` that wrote, from
    a boot not in ``old_boots``."""
    found = []
    for line in text.splitlines():
        match = _TICK.search(line)
        if match and match.group(1) not in old_boots:
            found.append((match.group(2), int(match.group(3))))
    return found


def boots(cloud, server_id):
    """The boot ids of the ticker's lines on the server's console so far."""
    return {match.group(1) for match in map(
        _TICK.search, cloud.client.servers.console_output(server_id).splitlines()) if match}


def wait_ticks_on(cloud, server_id, count=3, timeout=90, old_boots=(), mark=MARK):
    """The ticker's lines from the first that read ``mark``, once ``count`` of them
    are on the console (of the server's current host), from a boot not in
    ``old_boots``."""
    def marked():
        found = ticks(cloud.client.servers.console_output(server_id), old_boots)
        first = next((i for i, (has, _n) in enumerate(found) if has == mark), len(found))
        return found[first:]
    try:
        cloud.wait_for(lambda: len(marked()) >= count,
                       f'{count} ticks of the volume ticker on {server_id}', timeout=timeout)
    except AssertionError as exc:
        tail = cloud.client.servers.console_output(server_id)[-3000:]
        raise AssertionError(f'{exc}; the console ends:\n{tail}') from exc
    return marked()


def tick_on_volume(cloud, volume_id):
    """The last tick the guest wrote, read from the volume's file on the storage host."""
    with open(os.path.join(cloud.workdir, 'volumes', volume_id), 'rb') as f:
        f.seek(TICK_OFFSET)
        text = f.read(32).split(b'\n')[0].decode()
    assert text.startswith('TICK-'), text
    return int(text[len('TICK-'):])


def secrets_of(cloud, host):
    """The usages of the libvirt secrets defined on ``host``."""
    return secrets_on(cloud.harness_of(host).uri)


def secrets_on(uri):
    """The usages of the libvirt secrets the libvirtd at ``uri`` holds."""
    conn = libvirt.open(uri)
    try:
        return [secret.usageID() for secret in conn.listAllSecrets()]
    finally:
        conn.close()


def assert_volume_followed(cloud, server, host, old_boots=()):
    """The guest runs on ``host`` and uses its volume over ``host``'s connection only.

    :param old_boots: boots of the guest before a cold move: their ticks do not count.
    """
    volume_id = server['volume_id']
    assert cloud.running_on(server['id']) == [host]
    # A cold move boots the guest again (TCG: slowly).
    written = wait_ticks_on(cloud, server['id'], old_boots=old_boots,
                            timeout=180 if old_boots else 90)
    # Once read, the marker is read at every tick.
    assert {has for has, _tick in written} == {MARK}
    assert tick_on_volume(cloud, volume_id) >= written[-1][1]
    shown = cloud.wait_volume(volume_id, 'in-use')
    assert [(a['server_id'], a['host_name']) for a in shown['attachments']] == \
        [(server['id'], host)]
    address = twohost.ADDRESSES[cloud.HOSTS.index(host)]
    cloud.wait_for(lambda: cloud.session_addresses(volume_id) == {address},
                   f'the only iSCSI session of {volume_id} to come from {address}', timeout=30)
    usage = libvirt_volume.secret_usage(volume_id)
    assert usage in secrets_of(cloud, host)
    assert usage not in secrets_of(cloud, other(host))


def test_a_live_migrated_guest_keeps_reading_and_writing_its_volume_from_the_new_host(
        cloud, server):
    source = host_of(server)
    dest = other(source)
    assert_volume_followed(cloud, server, source)
    moved = live_migrate_and_wait(cloud, server['id'])
    assert host_of(moved) == dest
    assert_volume_followed(cloud, server, dest)


def test_a_live_migrated_guest_moves_back_with_its_volume(cloud, server):
    here = cloud.running_on(server['id'])[0]
    back = live_migrate_and_wait(cloud, server['id'], host=other(here))
    assert host_of(back) == other(here)
    assert_volume_followed(cloud, server, other(here))


def test_a_cold_migrated_guest_reads_and_writes_its_volume_from_the_new_host_once_confirmed(
        cloud, server):
    source = cloud.running_on(server['id'])[0]
    before = boots(cloud, server['id'])
    cloud.client.servers.migrate(server['id'])
    moved = wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    assert host_of(moved) == other(source)
    assert_volume_followed(cloud, server, other(source), old_boots=before)

    cloud.client.servers.confirm_resize(server['id'])
    wait_settled(cloud, server['id'], 'ACTIVE')
    cloud.wait_for(lambda: cloud.domain_on(source, server['id']) is None,
                   'the source guest removed', timeout=60)
    assert_volume_followed(cloud, server, other(source), old_boots=before)


def test_a_reverted_resize_brings_the_guest_back_to_its_source_with_its_volume(
        cloud, server):
    source = cloud.running_on(server['id'])[0]
    seen = boots(cloud, server['id'])
    cloud.client.servers.resize(server['id'], BIGGER['id'])
    resized = wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    assert host_of(resized) == other(source) and resized['flavor']['id'] == BIGGER['id']
    assert_volume_followed(cloud, server, other(source), old_boots=seen)

    # The source's console log still holds the lines of its boots before the resize.
    seen |= boots(cloud, server['id'])
    cloud.client.servers.revert_resize(server['id'])
    reverted = wait_settled(cloud, server['id'], 'ACTIVE')
    assert host_of(reverted) == source and reverted['flavor']['id'] == TINY['id']
    cloud.wait_for(lambda: cloud.domain_on(other(source), server['id']) is None,
                   'the destination guest removed', timeout=60)
    assert_volume_followed(cloud, server, source, old_boots=seen)


def _runs_only_on(cloud, server_id, host):
    try:
        return cloud.running_on(server_id) == [host]
    except libvirt.libvirtError:
        # The domain left the source between its lookup and the question.
        return False


def test_a_source_restarted_between_the_copy_and_the_post_hands_the_volume_over(
        cloud, server):
    """The source compute is frozen while libvirtd copies, and killed once the guest
    runs on the destination: its restart finishes the post's volume steps."""
    source = cloud.running_on(server['id'])[0]
    dest = other(source)
    count = len(migration_rows(cloud, server['id'])) + 1
    domain = cloud.domain_on(source, server['id'])
    # 1 MiB/s, so the copy is caught running: libvirt takes the domain's speed when
    # novalite sends none ([libvirt] live_migration_bandwidth is 0 here).
    domain.migrateSetMaxSpeed(1)
    cloud.client.servers.live_migrate(server['id'])
    live_migration_running(cloud, server['id'])
    compute = cloud.procs[source][0]
    compute.send_signal(signal.SIGSTOP)
    try:
        assert domain.jobStats().get('type', 0) != libvirt.VIR_DOMAIN_JOB_NONE, \
            'the copy ended before the source compute was frozen'
        domain.migrateSetMaxSpeed(10000)
        cloud.wait_for(lambda: _runs_only_on(cloud, server['id'], dest),
                       'libvirt to finish the move', timeout=120)
    finally:
        cloud.kill(source)
        cloud.restart(source)
    record = wait_migration(cloud, server['id'], ('completed', 'error'), count, timeout=120)
    assert record['status'] == 'completed', record
    assert host_of(wait_settled(cloud, server['id'], 'ACTIVE')) == dest
    # One attachment (the destination's, completed), one session and one secret,
    # on the destination; the guest reads and writes the volume there.
    assert_volume_followed(cloud, server, dest)
