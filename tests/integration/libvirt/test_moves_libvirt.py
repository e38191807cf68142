"""Moving real guests between two libvirt hosts, through the whole stack.

Two libvirtds, each in its own network, mount and UTS namespace
(:mod:`tests.integration.libvirt.twohost`), with a ``novalite-compute`` on
each; no shared storage, so live migration is block migration. Guests run a
``#!/bin/sh`` user_data: one pings its gateway and prints its counts, one
dirties memory (so its migration never converges on its own and must be
forced or aborted), one marks its root disk and says on every boot what it
finds there. Every test checks where libvirt runs the guest, what the API
and the migration record say, and what each host's usage is.
"""

import re
import secrets
import time
import warnings

import pytest
import sqlalchemy as sa

from novalite.virt.libvirt import qemuimg
from tests.integration.libvirt import twohost
from tests.integration.libvirt.fullstack import wait_settled

# Guests migrating against deadlines: run alone (tools/run-tests.sh).
pytestmark = [pytest.mark.integration, pytest.mark.serial]

TINY = {'name': 'tiny', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': '100'}
BIGGER = {'name': 'bigger', 'ram': 256, 'vcpus': 1, 'disk': 2, 'id': '101'}

PINGER = '''#!/bin/sh
n=0; l=0
while true; do
  n=$((n+1))
  ping -c 1 -W 1 "$gw" > /dev/null 2>&1 || l=$((l+1))
  [ $((n % 5)) = 0 ] && echo "NOVALITE-GUEST pings=$n lost=$l" > /dev/ttyS0
  sleep 0.2
done
'''
# Rewrites 24 MiB of random data over and over: faster than the capped link.
DIRTIER = '''#!/bin/sh
dd if=/dev/urandom of=/tmp/src bs=1M count=24 2>/dev/null
echo "NOVALITE-GUEST dirtying" > /dev/ttyS0
while true; do cat /tmp/src > /tmp/dirty; done
'''
MARKER = '''#!/bin/sh
m=$(dd if=/dev/vda bs=64 count=1 2>/dev/null | tr -d '\\000' | head -n 1)
case "$m" in
  MARK-*) echo "NOVALITE-GUEST root has=$m" > /dev/ttyS0 ;;
  *) echo "MARK-@TOKEN@" | dd of=/dev/vda conv=fsync 2>/dev/null
     echo "NOVALITE-GUEST root wrote=MARK-@TOKEN@" > /dev/ttyS0 ;;
esac
'''


@pytest.fixture(scope='module')
def cloud(pair, guest_files, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('moves-libvirt')
    # A capped link: the dirtying guest never converges by itself.
    with twohost.running_cloud(pair, guest_files, workdir, [TINY, BIGGER], compute_options={
            'libvirt': {'live_migration_bandwidth': 40}}) as started:
        yield started


# Helpers

def boot(cloud, name, script, flavor=TINY['id']):
    server = cloud.client.servers.create(name, cloud.images['kernel_boot'], flavor,
                                         user_data=script, config_drive=True)
    return wait_settled(cloud, server['id'], 'ACTIVE')


def host_of(server):
    return server['OS-EXT-SRV-ATTR:host']


def other(host):
    return 'compute2' if host == 'compute1' else 'compute1'


def migration_rows(cloud, server_id):
    with cloud.db.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(sa.text(
            'SELECT * FROM migrations WHERE instance_uuid = :u ORDER BY id'),
            {'u': server_id})]


def allocation_nodes(cloud, server_id):
    """Hosts holding a claim of the server (its own or its migration's)."""
    with cloud.db.connect() as conn:
        return sorted(conn.execute(sa.text(
            'SELECT DISTINCT n.host FROM allocations a JOIN compute_nodes n '
            'ON n.id = a.compute_node_id WHERE a.consumer_id = :u OR a.consumer_id IN '
            '(SELECT uuid FROM migrations WHERE instance_uuid = :u)'),
            {'u': server_id}).scalars().all())


def pings(text):
    """``(sent, lost)`` of the pinger's last report in ``text``, or None."""
    found = re.findall(r'NOVALITE-GUEST pings=(\d+) lost=(\d+)', text)
    return tuple(map(int, found[-1])) if found else None


class GuestKernelCrashed(AssertionError):
    """The guest's own kernel oopsed or panicked: its console says so."""

    def __init__(self, message, server_id):
        super().__init__(message)
        self.server_id = server_id


_GUEST_CRASH = re.compile(r'BUG: |Oops: |Kernel panic')


def wait_pings_after(cloud, server_id, sent_before, timeout=90):
    deadline = time.monotonic() + timeout
    text = ''
    while time.monotonic() < deadline:
        text = cloud.client.servers.console_output(server_id)
        now = pings(text)
        if now and now[0] > sent_before + 10:
            return now
        time.sleep(0.5)
    message = f'no ping report after {sent_before} on {server_id}; its console ends:\n' \
              f'{text[-2000:]}'
    if _GUEST_CRASH.search(text):
        raise GuestKernelCrashed(message, server_id)
    raise AssertionError(message)


def last_status(cloud, server_id):
    rows = migration_rows(cloud, server_id)
    return rows[-1]['status'] if rows else None


def wait_migration(cloud, server_id, statuses, count, timeout=180):
    """The server's ``count``-th migration record once it is in ``statuses``."""
    cloud.wait_for(lambda: len(migration_rows(cloud, server_id)) >= count and
                   migration_rows(cloud, server_id)[count - 1]['status'] in statuses,
                   f'migration {count} of {server_id} to be {statuses}', timeout=timeout)
    return migration_rows(cloud, server_id)[count - 1]


def live_migrate_and_wait(cloud, server_id, host=None):
    count = len(migration_rows(cloud, server_id)) + 1
    cloud.client.servers.live_migrate(server_id, host=host)
    record = wait_migration(cloud, server_id, ('completed', 'error', 'cancelled'), count)
    assert record['status'] == 'completed', record
    return wait_settled(cloud, server_id, 'ACTIVE')


def live_migration_running(cloud, server_id):
    """The server's running migration once it has reported progress."""
    found = {}

    def running():
        current = cloud.client.servers.migrations(server_id)
        if current and current[0]['status'] == 'running' and \
                (current[0]['memory_processed_bytes'] or 0) > 0:
            found.update(current[0])
            return True
        return False
    cloud.wait_for(running, f'a running live migration of {server_id}', timeout=120)
    return found


def assert_only_on(cloud, server_id, host):
    assert cloud.running_on(server_id) == [host]
    assert cloud.domain_on(other(host), server_id) is None
    assert allocation_nodes(cloud, server_id) == [host]


# Live migration

def test_block_live_migration_there_and_back_loses_at_most_one_ping(cloud):
    # Twice in about ten runs the TCG guest's kernel oopsed on slab or maple-tree
    # state right after a migration arrived (QEMU 7.2, Debian's 6.1 cloud kernel):
    # memory QEMU carried, not novalite. Such a crash, and only such, gets one
    # more try with a new guest; a second one fails.
    try:
        _pings_there_and_back(cloud, 'pinger')
    except GuestKernelCrashed as crash:
        warnings.warn(f'guest kernel crashed after a TCG live migration; once more: {crash}',
                      stacklevel=1)
        cloud.client.servers.delete(crash.server_id)
        _pings_there_and_back(cloud, 'pinger-again')


def _pings_there_and_back(cloud, name):
    server = boot(cloud, name, PINGER)
    source = host_of(server)
    dest = other(source)
    sent, lost = wait_pings_after(cloud, server['id'], 0)

    moved = live_migrate_and_wait(cloud, server['id'])
    assert host_of(moved) == dest
    assert_only_on(cloud, server['id'], dest)
    (record,) = migration_rows(cloud, server['id'])
    assert record['dest_compute'] == dest
    assert record['memory_total'] > 0 and record['memory_remaining'] == 0
    # The source's copy went with the guest; the destination's overlay is its disk now.
    cloud.wait_for(lambda: not cloud.instance_dir_on(source, server['id']).exists(),
                   "the source's files removed", timeout=30)
    sent2, lost2 = wait_pings_after(cloud, server['id'], sent)
    assert lost2 - lost <= 1, f'{lost2 - lost} pings lost of {sent2 - sent}'

    back = live_migrate_and_wait(cloud, server['id'], host=source)
    assert host_of(back) == source
    assert_only_on(cloud, server['id'], source)
    sent3, lost3 = wait_pings_after(cloud, server['id'], sent2)
    assert lost3 - lost2 <= 1, f'{lost3 - lost2} pings lost of {sent3 - sent2}'
    cloud.client.servers.delete(server['id'])


def test_progress_grows_while_a_busy_guest_migrates_and_force_complete_ends_it(cloud):
    server = boot(cloud, 'dirtier', DIRTIER)
    cloud.wait_console(server['id'], 'NOVALITE-GUEST dirtying')
    source = host_of(server)
    cloud.client.servers.live_migrate(server['id'])
    first = live_migration_running(cloud, server['id'])
    seen = [first['memory_processed_bytes']]

    def grown():
        current = cloud.client.servers.migrations(server['id'])
        if current:
            seen.append(current[0]['memory_processed_bytes'])
        return len(set(seen)) >= 3
    cloud.wait_for(grown, 'three different progress reports', timeout=60, interval=0.3)
    assert seen == sorted(seen)
    assert first['memory_total_bytes'] >= TINY['ram'] * 1024 * 1024 * 0.9

    cloud.client.servers.force_complete_migration(server['id'], first['id'])
    moved = wait_settled(cloud, server['id'], 'ACTIVE')
    wait_migration(cloud, server['id'], ('completed',), 1, timeout=120)
    assert host_of(cloud.client.servers.get(server['id'])) == other(source)
    assert_only_on(cloud, server['id'], other(source))
    # Paused to converge, resumed on arrival.
    cloud.wait_for(lambda: cloud.domain_on(other(source), server['id']).state()[0] == 1,
                   'the guest running on the destination', timeout=30)
    assert moved['status'] == 'ACTIVE'
    cloud.client.servers.delete(server['id'])


def test_abort_leaves_the_guest_running_on_its_source(cloud):
    server = boot(cloud, 'aborted', DIRTIER)
    cloud.wait_console(server['id'], 'NOVALITE-GUEST dirtying')
    source = host_of(server)
    cloud.client.servers.live_migrate(server['id'])
    running = live_migration_running(cloud, server['id'])
    cloud.client.servers.abort_migration(server['id'], running['id'])
    wait_migration(cloud, server['id'], ('cancelled',), 1, timeout=60)
    after = wait_settled(cloud, server['id'], 'ACTIVE')
    assert host_of(after) == source
    assert_only_on(cloud, server['id'], source)
    cloud.wait_for(lambda: not cloud.instance_dir_on(other(source), server['id']).exists(),
                   "the destination's files removed", timeout=30)
    cloud.client.servers.delete(server['id'])


def test_a_second_migration_waits_queued_and_cannot_be_aborted_there_before_2_65(cloud):
    busy = boot(cloud, 'busy', DIRTIER)
    cloud.wait_console(busy['id'], 'NOVALITE-GUEST dirtying')
    source = host_of(busy)
    light = cloud.client.servers.create('light', cloud.images['kernel_boot'], TINY['id'],
                                        availability_zone=f'nova:{source}')
    light = wait_settled(cloud, light['id'], 'ACTIVE')
    cloud.client.servers.live_migrate(busy['id'])
    running = live_migration_running(cloud, busy['id'])
    cloud.client.servers.live_migrate(light['id'])
    queued = wait_migration(cloud, light['id'], ('queued',), 1, timeout=30)
    time.sleep(2)
    assert last_status(cloud, light['id']) == 'queued'
    [shown] = cloud.client.servers.migrations(light['id'])
    assert shown['status'] == 'queued'
    with pytest.raises(Exception, match='400'):
        cloud.client.servers.abort_migration(light['id'], queued['id'])

    cloud.client.servers.force_complete_migration(busy['id'], running['id'])
    wait_migration(cloud, busy['id'], ('completed',), 1, timeout=120)
    # Its turn came once the first ended.
    wait_migration(cloud, light['id'], ('completed',), 1, timeout=120)
    for server in (busy, light):
        moved = wait_settled(cloud, server['id'], 'ACTIVE')
        assert host_of(moved) == other(source)
        assert_only_on(cloud, server['id'], other(source))
        cloud.client.servers.delete(server['id'])


def test_kill_of_the_source_compute_mid_migration_is_settled_at_its_restart(cloud):
    server = boot(cloud, 'killed', DIRTIER)
    cloud.wait_console(server['id'], 'NOVALITE-GUEST dirtying')
    source = host_of(server)
    cloud.client.servers.live_migrate(server['id'])
    live_migration_running(cloud, server['id'])
    cloud.kill(source)
    time.sleep(3)
    cloud.restart(source)
    record = wait_migration(cloud, server['id'], ('error', 'completed'), 1, timeout=120)
    after = wait_settled(cloud, server['id'], 'ACTIVE')
    # The guest is where libvirt says it is: still here when the migration could not
    # converge before the kill (the usual case), on the other host when a loaded
    # machine let it finish first.
    where = source if record['status'] == 'error' else other(source)
    assert host_of(after) == where
    assert_only_on(cloud, server['id'], where)
    assert cloud.domain_on(where, server['id']).jobStats().get('type', 0) == 0
    cloud.client.servers.delete(server['id'])


# Cold migration and resize

def _marked(cloud, name):
    token = secrets.token_hex(4)
    server = boot(cloud, name, MARKER.replace('@TOKEN@', token))
    cloud.wait_console(server['id'], f'NOVALITE-GUEST root wrote=MARK-{token}')
    return server, token


def test_cold_migration_keeps_the_disk_and_confirm_cleans_the_source(cloud):
    server, token = _marked(cloud, 'cold')
    source = host_of(server)
    cloud.client.servers.migrate(server['id'])
    moved = wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    dest = host_of(moved)
    assert dest == other(source)
    cloud.wait_console(server['id'], f'NOVALITE-GUEST root has=MARK-{token}')
    assert cloud.running_on(server['id']) == [dest]
    # The source keeps its stopped guest for a revert until the move is confirmed.
    assert cloud.domain_on(source, server['id']) is not None
    assert allocation_nodes(cloud, server['id']) == ['compute1', 'compute2']

    cloud.client.servers.confirm_resize(server['id'])
    wait_settled(cloud, server['id'], 'ACTIVE')
    cloud.wait_for(lambda: cloud.domain_on(source, server['id']) is None,
                   'the source guest removed', timeout=60)
    assert not cloud.instance_dir_on(source, server['id']).exists()
    assert_only_on(cloud, server['id'], dest)
    cloud.client.servers.delete(server['id'])


def test_resize_revert_then_confirm_keeps_the_disk(cloud):
    server, token = _marked(cloud, 'resized')
    source = host_of(server)
    cloud.client.servers.resize(server['id'], BIGGER['id'])
    resized = wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    dest = host_of(resized)
    assert resized['flavor']['id'] == BIGGER['id']
    cloud.wait_console(server['id'], f'NOVALITE-GUEST root has=MARK-{token}')
    disk = cloud.instance_dir_on(dest, server['id']) / 'disk'
    assert imagebackend_size(disk) == BIGGER['disk'] * 1024 ** 3

    cloud.client.servers.revert_resize(server['id'])
    reverted = wait_settled(cloud, server['id'], 'ACTIVE')
    assert host_of(reverted) == source and reverted['flavor']['id'] == TINY['id']
    cloud.wait_console(server['id'], f'NOVALITE-GUEST root has=MARK-{token}')
    cloud.wait_for(lambda: cloud.domain_on(dest, server['id']) is None,
                   'the destination guest removed', timeout=60)
    assert_only_on(cloud, server['id'], source)

    cloud.client.servers.resize(server['id'], BIGGER['id'])
    wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    cloud.wait_console(server['id'], f'NOVALITE-GUEST root has=MARK-{token}')
    cloud.client.servers.confirm_resize(server['id'])
    confirmed = wait_settled(cloud, server['id'], 'ACTIVE')
    assert host_of(confirmed) == dest
    cloud.wait_for(lambda: cloud.domain_on(source, server['id']) is None,
                   'the source guest removed', timeout=60)
    assert_only_on(cloud, server['id'], dest)
    cloud.client.servers.delete(server['id'])


def imagebackend_size(path):
    return int(qemuimg.info(str(path))['virtual-size'])
