"""iSCSI volumes through the whole stack: novalite-api, conductor, scheduler,
novalite-volume (tgt driver, a real tgtd) and a libvirt compute host, on RabbitMQ.

One cloud (:mod:`tests.integration.libvirt.volume_stack`) and two servers of
the tiny guest serve the module; each test deletes the volumes (and any
other server) it made. The guest marks each new disk with its hostname, or
prints the mark it finds, on its serial console: what one server wrote
another reads back. Each of the guest's disk lines ends with the disk's
serial (the volume's id) and a mark read back names the volume it was
written on, so a wait matches the line about the volume just attached,
after the step that attached it, never an earlier one (the servers live
through the whole module).
"""

import concurrent.futures
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET

import libvirt
import pytest

from novalite.cli import client as novalite_client
from novalite.virt.libvirt import driver as libvirt_driver
from novalite.virt.libvirt import volume as libvirt_volume
from tests.integration import tgt
from tests.integration.cloud import BIN
from tests.integration.libvirt import fullstack, volume_stack

pytestmark = pytest.mark.integration

FLAVOR = {'name': 'tiny', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': '100'}
GUEST_SEES_DISK_TIMEOUT = 60
IQN_PREFIX = 'iqn.2010-10.org.novalite:volume-'
# What the guest writes on a blank volume: its hostname, with [api] dhcp_domain.
MARK = 'NOVALITE-VOLUME from vs-first.novalocal'


@pytest.fixture(scope='module')
def cloud(harness, guest_files, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('volume-stack')
    made = volume_stack.VolumeCloud(harness, workdir, f'sqlite:///{workdir}/novalite.sqlite')
    with fullstack.running_cloud(made, guest_files, [FLAVOR],
                                 unavailable=tgt.TgtUnavailable) as started:
        yield started


@pytest.fixture(scope='module')
def servers(cloud):
    """Two running servers of the tiny guest, ``vs-first`` and ``vs-second``."""
    # A config drive gives the guest its hostname, which it writes on new disks.
    made = [cloud.client.servers.create(name, cloud.images['kernel_boot'], FLAVOR['id'],
                                        networks='none', config_drive=True)['id']
            for name in ('vs-first', 'vs-second')]
    for server_id in made:
        fullstack.wait_settled(cloud, server_id, 'ACTIVE')
        cloud.wait_console(server_id, 'NOVALITE-GUEST ready')
    yield made
    for server_id in made:
        cloud.client.servers.delete(server_id)
    for server_id in made:
        cloud.wait_for(lambda s=server_id: cloud.domain(s) is None, 'the guests to go')


@pytest.fixture
def volume(cloud, servers):
    """A blank 1 GiB volume; detached from the servers and deleted afterwards."""
    made = cloud.create_volume(name='stack-data')
    yield made
    settled = cloud.wait_volume(made['id'], 'in-use', 'available', 'error')
    for attachment in settled['attachments']:
        cloud.client.volumes.detach(attachment['server_id'], made['id'])
    cloud.wait_volume(made['id'], 'available', 'error')
    cloud.delete_volume(made['id'])


def attached(cloud, server_id, volume_id):
    """True if the compute API lists the volume among the server's attachments."""
    attachments = cloud.client.get(f'/servers/{server_id}/os-volume_attachments')
    return volume_id in [a['volumeId'] for a in attachments['volumeAttachments']]


def in_domain(cloud, server_id, volume_id):
    """True if the running domain has the volume's LUN as a network disk of QEMU's
    iSCSI initiator."""
    devices = ET.fromstring(cloud.domain(server_id).XMLDesc(0)).find('devices')
    return any(source.get('name', '').startswith(IQN_PREFIX + volume_id)
               for source in devices.findall("disk[@type='network']/source[@protocol='iscsi']"))


def console_mark(cloud, server_id):
    """Where the console ends now: :func:`disk_line` reads only what follows.

    :raises AssertionError: the console reached the API's window (the last
        100 KiB of the log): an offset into it no longer marks a point in time.
    """
    text = cloud.client.servers.console_output(server_id)
    assert len(text.encode()) < libvirt_driver.MAX_CONSOLE_BYTES - 4096, \
        f'the console of {server_id} nears the API window'
    return len(text)


def serial(volume_id):
    """The volume's disk serial as the guest reads it: virtio-blk keeps 20 characters."""
    return volume_id[:20]


def disk_line(cloud, server_id, mark, volume_id, said, timeout=GUEST_SEES_DISK_TIMEOUT):
    """What the guest printed about the disk of ``volume_id`` after ``mark``, once a
    line says ``said`` (``wrote=``, ``has=``, ``gone``): ``wrote=<mark>``,
    ``has=<mark> on=<serial of the volume it was written on>`` or ``gone``."""
    line = re.compile(rf'NOVALITE-GUEST disk vd[a-z]+ ({re.escape(said)}.*?) ?'
                      rf'serial={re.escape(serial(volume_id))}\s*$', re.MULTILINE)
    text = ''
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = cloud.client.servers.console_output(server_id)[mark:]
        found = line.search(text)
        if found:
            return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f'no disk {said!r} line of {volume_id} on the console of '
                         f'{server_id} after {timeout} s:\n{text[-2000:]}')


def test_a_volume_attached_through_the_api_is_written_by_one_guest_and_read_by_another(
        cloud, servers, volume):
    first, second = servers
    mark = console_mark(cloud, first)
    attachment = cloud.client.volumes.attach(first, volume['id'])
    assert attachment['volumeId'] == volume['id']
    assert disk_line(cloud, first, mark, volume['id'], 'wrote=') == f'wrote={MARK}'
    shown = cloud.wait_volume(volume['id'], 'in-use')
    assert [a['server_id'] for a in shown['attachments']] == [first]
    assert in_domain(cloud, first, volume['id'])

    mark = console_mark(cloud, first)
    cloud.client.volumes.detach(first, volume['id'])
    disk_line(cloud, first, mark, volume['id'], 'gone')
    assert cloud.wait_volume(volume['id'], 'available')['attachments'] == []
    cloud.wait_for(lambda: not attached(cloud, first, volume['id']), 'the mapping to go')
    assert not in_domain(cloud, first, volume['id'])

    mark = console_mark(cloud, second)
    cloud.client.volumes.attach(second, volume['id'])
    assert disk_line(cloud, second, mark, volume['id'], 'has=') == \
        f"has={MARK} on={serial(volume['id'])}"
    assert cloud.wait_volume(volume['id'], 'in-use')['attachments'][0]['server_id'] == second


def test_a_server_booted_from_an_image_volume_runs_from_the_lun_and_takes_it_along(cloud):
    if cloud.images['disk'] is None:
        pytest.skip('no bootable disk image (syslinux missing)')
    body = {'server': {'name': 'vs-bfv', 'flavorRef': FLAVOR['id'], 'networks': 'none',
                       'block_device_mapping_v2': [{
                           'boot_index': 0, 'uuid': cloud.images['disk'],
                           'source_type': 'image', 'destination_type': 'volume',
                           'volume_size': 1, 'delete_on_termination': True}]}}
    server_id = cloud.client.post('/servers', body)['server']['id']
    try:
        server = fullstack.wait_settled(cloud, server_id, 'ACTIVE', timeout=180)
        (volume_id,) = [v['id'] for v in server['os-extended-volumes:volumes_attached']]
        cloud.wait_console(server_id, 'NOVALITE-GUEST ready')
        volume = cloud.volume(volume_id)
        assert (volume['status'], volume['bootable']) == ('in-use', 'true')
        assert IQN_PREFIX + volume_id in cloud.target_iqns()
        assert in_domain(cloud, server_id, volume_id)
        # No local root disk: the firmware read the guest from the LUN.
        assert 'disk.local' not in cloud.domain(server_id).XMLDesc(0)
    finally:
        cloud.client.servers.delete(server_id)
    cloud.wait_for(lambda: cloud.domain(server_id) is None, 'the guest to go')
    cloud.wait_for(lambda: cloud.volume(volume_id) is None, 'the boot volume to be deleted')
    assert IQN_PREFIX + volume_id not in cloud.target_iqns()
    assert not os.path.exists(os.path.join(cloud.workdir, 'volumes', volume_id))


def _answer(request, server_id, volume_id, ok):
    """``(status, message)`` of ``request`` (the client's attach or detach), ``ok``
    its status when it succeeds."""
    try:
        request(server_id, volume_id)
        return ok, ''
    except novalite_client.ClientError as exc:
        return exc.status, exc.message


def _attach_answer(cloud, server_id, volume_id):
    return _answer(cloud.client.volumes.attach, server_id, volume_id, 200)


def _detach_answer(cloud, server_id, volume_id):
    return _answer(cloud.client.volumes.detach, server_id, volume_id, 202)


def test_two_concurrent_attaches_of_one_volume_one_wins_the_other_is_400(cloud, servers,
                                                                        volume):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda s: _attach_answer(cloud, s, volume['id']), servers))
    assert sorted(status for status, _message in answers) == [200, 400]
    winner, loser = servers if answers[0][0] == 200 else servers[::-1]
    assert 'Invalid volume' in dict(answers)[400]
    shown = cloud.wait_volume(volume['id'], 'in-use')
    assert [a['server_id'] for a in shown['attachments']] == [winner]
    cloud.wait_for(lambda: in_domain(cloud, winner, volume['id']), 'the winner to have the disk')
    assert not in_domain(cloud, loser, volume['id'])
    assert not attached(cloud, loser, volume['id'])


# A detach asked while the attach is under way. Nova's answer (its API over
# Cinder's os-begin_detaching): 400, the volume is not attached yet, and
# nothing changes; the attach goes on. Whatever the timing, the volume ends
# attached with its disk in the guest, or available with nothing left.

def has_secret(cloud, volume_id):
    """True if the host's libvirt keeps the volume's CHAP secret."""
    conn = libvirt.open(cloud.harness.uri)
    try:
        return libvirt_volume.secret_usage(volume_id) in {
            secret.usageID() for secret in conn.listAllSecrets()}
    finally:
        conn.close()


def assert_attached(cloud, server_id, volume_id):
    """``in-use`` by the server alone, its disk in the domain over an iSCSI session
    with a CHAP secret."""
    shown = cloud.wait_volume(volume_id, 'in-use')
    assert [a['server_id'] for a in shown['attachments']] == [server_id]
    assert attached(cloud, server_id, volume_id)
    assert in_domain(cloud, server_id, volume_id)
    assert has_secret(cloud, volume_id)
    assert cloud.session_addresses(volume_id)


def assert_left_nothing(cloud, server_id, volume_id):
    """``available`` without attachment, mapping, disk, CHAP secret or iSCSI session."""
    shown = cloud.wait_volume(volume_id, 'available', 'in-use', 'error')
    assert (shown['status'], shown['attachments']) == ('available', [])
    assert not attached(cloud, server_id, volume_id)
    assert not in_domain(cloud, server_id, volume_id)
    assert not has_secret(cloud, volume_id)
    cloud.wait_for(lambda: not cloud.session_addresses(volume_id),
                   f'the iSCSI session of {volume_id} to end', timeout=30)


def _detach_actions(cloud, server_id):
    """How many detach_volume actions the server's action list shows."""
    return sum(action['action'] == 'detach_volume'
               for action in cloud.client.servers.actions(server_id))


def test_a_detach_asked_as_the_attach_answers_is_400_and_the_guest_gets_the_disk(
        cloud, servers, volume):
    first = servers[0]
    for trial in range(3):
        mark = console_mark(cloud, first)
        cloud.client.volumes.attach(first, volume['id'])
        detaches = _detach_actions(cloud, first)
        status, message = _detach_answer(cloud, first, volume['id'])
        assert status == 400, f'trial {trial}: {message}'
        assert "Volume status must be 'in-use'" in message
        # Nothing changed: no action recorded, still the server's, the attach goes on.
        assert _detach_actions(cloud, first) == detaches
        assert cloud.volume(volume['id'])['status'] in ('reserved', 'attaching', 'in-use')
        assert attached(cloud, first, volume['id'])
        said = disk_line(cloud, first, mark, volume['id'], '')
        assert said in (f'wrote={MARK}',
                        f"has={MARK} on={serial(volume['id'])}")
        assert_attached(cloud, first, volume['id'])

        mark = console_mark(cloud, first)
        cloud.client.volumes.detach(first, volume['id'])
        disk_line(cloud, first, mark, volume['id'], 'gone')
        assert_left_nothing(cloud, first, volume['id'])


def test_a_detach_repeated_from_the_attach_on_is_refused_until_in_use_and_leaves_nothing(
        cloud, servers, volume):
    # Each request reads the mapping, then asks for the volume detaching:
    # the accepted one may have read it before the attach completed.
    second = servers[1]
    for trial in range(3):
        cloud.client.volumes.attach(second, volume['id'])
        answers = []
        deadline = time.monotonic() + 60
        while not answers or answers[-1][0] != 202:
            assert time.monotonic() < deadline, f'trial {trial}, no detach accepted: ' \
                f'{answers[-3:]}'
            answers.append(_detach_answer(cloud, second, volume['id']))
        refused = answers[:-1]
        assert refused and {status for status, _message in refused} == {400}, answers[-3:]
        assert all("Volume status must be 'in-use'" in message for _status, message in refused)
        if cloud.wait_volume(volume['id'], 'available', 'in-use', 'error')['status'] == 'in-use':
            # The guest did not let go of a disk it was still taking: the
            # detach failed as a whole (a fault), the disk is the guest's.
            assert_attached(cloud, second, volume['id'])
            cloud.client.volumes.detach(second, volume['id'])
        assert_left_nothing(cloud, second, volume['id'])


def _kill_compute_when(cloud, volume_id, statuses, timeout=10):
    """kill -9 the compute as soon as the volume is in one of ``statuses`` (or after
    ``timeout`` s); returns the status it was killed in."""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = cloud.volume(volume_id)['status']
        if status in statuses:
            break
    cloud.kill(fullstack.HOST)
    return status


def _restart_and_settle(cloud, server_id, volume_id):
    """Restart the compute; returns the volume's status once it is settled and agrees
    with the domain and the server's attachments."""
    cloud.restart(fullstack.HOST)
    shown = cloud.wait_volume(volume_id, 'in-use', 'available', 'error', timeout=90)

    def consistent():
        volume = cloud.volume(volume_id)
        listed = attached(cloud, server_id, volume_id)
        disk = in_domain(cloud, server_id, volume_id)
        if volume['status'] == 'in-use':
            return listed and disk and [a['server_id'] for a in volume['attachments']] \
                == [server_id]
        return volume['status'] == 'available' and not listed and not disk and \
            volume['attachments'] == []
    cloud.wait_for(consistent, f'volume {volume_id} to agree with the domain', timeout=90)
    assert shown['status'] != 'error'
    return cloud.volume(volume_id)['status']


def test_a_compute_killed_mid_attach_leaves_the_volume_in_use_or_available_after_restart(
        cloud, servers, volume):
    first = servers[0]
    cloud.client.volumes.attach(first, volume['id'])
    killed_in = _kill_compute_when(cloud, volume['id'], ('attaching',))
    assert killed_in in ('reserved', 'attaching', 'in-use')
    _restart_and_settle(cloud, first, volume['id'])
    fullstack.wait_settled(cloud, first, 'ACTIVE')


def test_a_compute_killed_mid_detach_leaves_the_volume_in_use_or_available_after_restart(
        cloud, servers, volume):
    second = servers[1]
    cloud.client.volumes.attach(second, volume['id'])
    cloud.wait_for(lambda: in_domain(cloud, second, volume['id']) and
                   cloud.volume(volume['id'])['status'] == 'in-use', 'the attach')
    cloud.client.volumes.detach(second, volume['id'])
    cloud.kill(fullstack.HOST)
    assert cloud.volume(volume['id'])['status'] in ('detaching', 'available')
    _restart_and_settle(cloud, second, volume['id'])
    fullstack.wait_settled(cloud, second, 'ACTIVE')


@pytest.fixture
def openstack_cli(cloud):
    """The real ``openstack`` CLI, noauth2's admin token, both endpoints given."""
    env = {key: value for key, value in os.environ.items() if not key.startswith('OS_')}
    env.update({'OS_AUTH_TYPE': 'admin_token', 'OS_TOKEN': 'admin:admin',
                'OS_ENDPOINT': cloud.client.endpoint, 'OS_COMPUTE_API_VERSION': '2.79',
                'OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE': cloud.volume_url + '/admin'})

    def run(*args):
        done = subprocess.run([os.path.join(BIN, 'openstack'), *args], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout
    return run


def test_openstack_cli_adds_and_removes_a_volume_the_guest_sees(cloud, servers, volume,
                                                               openstack_cli):
    first = servers[0]
    mark = console_mark(cloud, first)
    openstack_cli('server', 'add', 'volume', 'vs-first', 'stack-data')
    # Once, right after the kill tests, the guest was seen reading a mark on
    # this blank volume; the lines now name the volume the disk is and the
    # one a mark was written on.
    assert disk_line(cloud, first, mark, volume['id'], 'wrote=') == f'wrote={MARK}'
    assert cloud.wait_volume(volume['id'], 'in-use')['attachments'][0]['server_id'] == first
    mark = console_mark(cloud, first)
    openstack_cli('server', 'remove', 'volume', 'vs-first', 'stack-data')
    disk_line(cloud, first, mark, volume['id'], 'gone')
    cloud.wait_volume(volume['id'], 'available')
    assert not in_domain(cloud, first, volume['id'])

