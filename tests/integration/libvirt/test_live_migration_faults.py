"""A live migration survives the death of the conductor or of the destination's compute.

Two libvirt hosts and a ``novalite-compute`` on each, as in
:mod:`test_moves_libvirt`, one cloud for the module. Each test starts the
block migration of a guest that dirties its memory faster than the capped
link carries it (so it runs until forced), kills a daemon with SIGKILL while
libvirt copies, forces the completion through the API and restarts the
daemon. Afterwards the guest is where libvirt says it is, the migration
record is ``completed``, the server's host is that host with its only claim
there, no task state is left and the source kept none of the guest's files.
"""

import contextlib

import libvirt
import pytest
import sqlalchemy as sa

from tests.integration.libvirt import fullstack, twohost
from tests.integration.libvirt import harness as harness_mod
from tests.integration.libvirt.test_moves_libvirt import (
    DIRTIER,
    TINY,
    assert_only_on,
    boot,
    host_of,
    live_migration_running,
    other,
    wait_migration,
    wait_settled,
)

# Guests migrating against deadlines: run alone (tools/run-tests.sh).
pytestmark = [pytest.mark.integration, pytest.mark.serial]

# The computes give up a call to the conductor after this many seconds.
RPC_TIMEOUT = 10
RUNNING = 1


@pytest.fixture(scope='module')
def cloud(guest_files, tmp_path_factory):
    reason = fullstack.rabbit_unavailable()
    if reason:
        pytest.skip(f'no message bus for the daemons: {reason}')
    try:
        pair = twohost.HostPair().start()
    except harness_mod.HarnessUnavailable as exc:
        pytest.skip(f"libvirtd unavailable: {exc}")
    workdir = tmp_path_factory.mktemp('live-migration-faults')
    started = None
    try:
        started = twohost.TwoHostCloud(
            pair, workdir, f'sqlite:///{workdir}/novalite.sqlite',
            compute_options={
                # A capped link: the dirtying guest never converges by itself.
                'libvirt': {'live_migration_bandwidth': 40},
                'DEFAULT': {'rpc_response_timeout': RPC_TIMEOUT, 'task_state_grace': 5,
                            'reap_interval': 2}}).start()
        started.client.flavors.create(**TINY)
        started.images = started.register_guest(guest_files)
        started.db = sa.create_engine(started.db_url)
        yield started
        started.db.dispose()
    finally:
        if started is not None:
            started.stop()
        pair.stop()


def _migrating_busy_guest(cloud, name):
    """A dirtying guest whose live migration runs; ``(server, source, migration)``."""
    server = boot(cloud, name, DIRTIER)
    cloud.wait_console(server['id'], 'NOVALITE-GUEST dirtying')
    cloud.client.servers.live_migrate(server['id'])
    return server, host_of(server), live_migration_running(cloud, server['id'])


@contextlib.contextmanager
def _killed(cloud, name):
    """``name`` killed with SIGKILL for the body, which restarts it."""
    cloud.kill(name)
    try:
        yield
    finally:
        # A failed test must not leave the next one without the daemon.
        if cloud.procs[name][0].poll() is not None:
            cloud.restart(name)


def _only_on(cloud, server_id, host):
    try:
        return cloud.running_on(server_id) == [host]
    except libvirt.libvirtError:
        # The domain left a host between its lookup and the question.
        return False


def _guest_state(cloud, host, server_id):
    domain = cloud.domain_on(host, server_id)
    return domain.state()[0] if domain is not None else None


def _assert_settled_on(cloud, server_id, host):
    record = wait_migration(cloud, server_id, ('completed', 'error'), 1, timeout=120)
    assert record['status'] == 'completed', record
    after = wait_settled(cloud, server_id, 'ACTIVE')
    assert host_of(after) == host
    assert_only_on(cloud, server_id, host)
    # Paused by the forced completion, running again on the destination.
    cloud.wait_for(lambda: _guest_state(cloud, host, server_id) == RUNNING,
                   'the guest running again', timeout=60)
    cloud.wait_for(lambda: cloud.client.servers.get(server_id)['OS-EXT-STS:power_state'] ==
                   RUNNING, 'the server to say it runs', timeout=60)


def test_a_conductor_killed_mid_migration_is_caught_up_with_once_it_is_back(cloud):
    server, source, migration = _migrating_busy_guest(cloud, 'conductor-killed')
    dest = other(source)
    with _killed(cloud, 'conductor'):
        # The API reaches the source without the conductor: the guest pauses and moves.
        cloud.client.servers.force_complete_migration(server['id'], migration['id'])
        cloud.wait_for(lambda: _only_on(cloud, server['id'], dest),
                       'libvirt to have the guest on the destination only', timeout=120)
        # Down past the source's RPC timeout: its call recording the move is lost.
        cloud.wait_for(lambda: 'moved the guest but could not be recorded' in cloud.log(source),
                       'the source to give up recording the move', timeout=4 * RPC_TIMEOUT)
        assert cloud.client.servers.get(server['id'])['OS-EXT-STS:task_state'] == 'migrating'
        cloud.restart('conductor')
    # The source's reaper finds the guest gone and completes the move.
    _assert_settled_on(cloud, server['id'], dest)
    # Its directory was not shared (the record it kept of the move says so).
    cloud.wait_for(lambda: not cloud.instance_dir_on(source, server['id']).exists(),
                   "the source's instance directory to go")
    cloud.client.servers.delete(server['id'])


def test_a_destination_compute_killed_mid_migration_is_caught_up_with_at_its_restart(cloud):
    server, source, migration = _migrating_busy_guest(cloud, 'destination-killed')
    dest = other(source)
    with _killed(cloud, dest):
        cloud.client.servers.force_complete_migration(server['id'], migration['id'])
        # libvirt moves the guest without the destination's compute daemon, and the
        # source records the move before that daemon is back.
        wait_migration(cloud, server['id'], ('completed',), 1, timeout=120)
        assert _only_on(cloud, server['id'], dest)
        moved = cloud.client.servers.get(server['id'])
        assert host_of(moved) == dest and moved['OS-EXT-STS:task_state'] is None
        cloud.restart(dest)
    _assert_settled_on(cloud, server['id'], dest)
    assert not cloud.instance_dir_on(source, server['id']).exists()
    cloud.client.servers.delete(server['id'])
