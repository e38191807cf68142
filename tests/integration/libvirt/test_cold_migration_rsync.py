"""Cold migration with ``[libvirt] disk_transfer = rsync``: files pulled over ssh.

Two libvirt hosts as in :mod:`test_moves_libvirt`; each namespace runs an
``sshd`` of the test's own (its host key, its authorized key, listening only
on that host's address), and each compute sees, mounted over root's
``~/.ssh`` in its own mount namespace only, a key that sshd accepts and a
``known_hosts`` naming the test's host key. The machine's ssh setup is never
read or changed.
"""

import os
import pwd
import secrets
import shutil
import subprocess
import time

import pytest

from tests.integration.libvirt import twohost
from tests.integration.libvirt.fullstack import wait_settled
from tests.integration.libvirt.test_moves_libvirt import (
    TINY,
    _marked,
    assert_only_on,
    host_of,
    other,
)

pytestmark = pytest.mark.integration

SSHD = '/usr/sbin/sshd'
SSHD_CONFIG = '''ListenAddress {addr}
Port 22
HostKey {dir}/host_key
AuthorizedKeysFile {dir}/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile {dir}/sshd-{addr}.pid
'''
SSHD_READY_TIMEOUT = 20


def _keygen(path):
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', str(path)],
                   check=True)
    return path.with_suffix('.pub').read_text().strip()


@pytest.fixture(scope='module')
def ssh_keys(tmp_path_factory):
    """``(sshd_dir, client_home)``: sshd's host key and authorized key, and a
    ``~/.ssh`` for the computes that trusts that host key."""
    if not os.path.exists(SSHD) or shutil.which('rsync') is None:
        pytest.skip('sshd or rsync missing (apt-get install -y openssh-server rsync)')
    sshd_dir = tmp_path_factory.mktemp('sshd')
    home = tmp_path_factory.mktemp('client-ssh')
    host_key = _keygen(sshd_dir / 'host_key')
    client_key = _keygen(home / 'id_ed25519')
    (sshd_dir / 'authorized_keys').write_text(client_key + '\n')
    (home / 'known_hosts').write_text(f"{','.join(twohost.ADDRESSES)} {host_key}\n")
    (home / 'config').write_text('StrictHostKeyChecking yes\n')
    return sshd_dir, home


def _start_sshd(harness, addr, sshd_dir):
    config = sshd_dir / f'sshd-{addr}.conf'
    config.write_text(SSHD_CONFIG.format(addr=addr, dir=sshd_dir))
    log = sshd_dir / f'sshd-{addr}.log'
    # Its privilege-separation directory, as the package's init script makes it.
    os.makedirs('/run/sshd', mode=0o755, exist_ok=True)
    proc = subprocess.Popen(['ip', 'netns', 'exec', harness.name, SSHD, '-D', '-f',
                             str(config), '-E', str(log)])
    deadline = time.monotonic() + SSHD_READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f'sshd exited: {log.read_text() if log.exists() else ""}')
        if log.exists() and 'Server listening' in log.read_text():
            return proc
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f'sshd did not listen on {addr} within {SSHD_READY_TIMEOUT} s')


@pytest.fixture(scope='module')
def cloud(pair, guest_files, tmp_path_factory, ssh_keys):
    sshd_dir, home = ssh_keys
    sshds = [_start_sshd(harness, addr, sshd_dir)
             for harness, addr in zip(pair.hosts, twohost.ADDRESSES, strict=True)]
    root_ssh = os.path.join(pwd.getpwuid(0).pw_dir, '.ssh')
    # `ip netns exec` gave the compute a mount namespace of its own: the
    # mount stays there.
    wrapper = ['sh', '-c', f'mkdir -p {root_ssh} && mount --bind {home} {root_ssh} && '
               f'exec "$@"', 'sh']
    try:
        with twohost.running_cloud(pair, guest_files, tmp_path_factory.mktemp('rsync-moves'),
                                   [TINY], compute_options={'libvirt': {'disk_transfer': 'rsync'}},
                                   compute_wrapper=wrapper) as started:
            yield started
    finally:
        for proc in sshds:
            proc.terminate()
            proc.wait(timeout=10)


def test_cold_migration_over_rsync_keeps_the_disk_and_confirm_cleans_the_source(cloud):
    server, token = _marked(cloud, f'rsync-{secrets.token_hex(2)}')
    source = host_of(server)
    cloud.client.servers.migrate(server['id'])
    moved = wait_settled(cloud, server['id'], 'VERIFY_RESIZE')
    dest = host_of(moved)
    assert dest == other(source)
    cloud.wait_console(server['id'], f'NOVALITE-GUEST root has=MARK-{token}')
    assert '(rsync)' in cloud.log(dest)
    assert cloud.running_on(server['id']) == [dest]

    cloud.client.servers.confirm_resize(server['id'])
    wait_settled(cloud, server['id'], 'ACTIVE')
    cloud.wait_for(lambda: cloud.domain_on(source, server['id']) is None,
                   'the source guest removed', timeout=60)
    assert not cloud.instance_dir_on(source, server['id']).exists()
    assert_only_on(cloud, server['id'], dest)
    cloud.client.servers.delete(server['id'])
