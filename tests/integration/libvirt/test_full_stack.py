"""Real guests through the whole stack: CLI, API, conductor, scheduler, libvirt compute.

Every daemon is its own process on RabbitMQ and SQLite; the compute host runs
the libvirt driver inside the private libvirtd's network namespace
(:mod:`tests.integration.libvirt.fullstack`). Servers are driven with the
``novalite`` CLI and checked three ways: what the API says, what the guest
printed on its serial console, and what libvirt itself reports.

One cloud serves the whole module; the tests run in file order and each one
deletes the servers it made, except the shared ``booted`` server, which the
lifecycle tests use and the delete test removes.
"""

import base64
import os
import secrets
import xml.etree.ElementTree as ET

import libvirt
import pytest
import sqlalchemy as sa

from novalite.virt.libvirt import imagecache
from tests.integration.libvirt import fullstack
from tests.integration.libvirt.fullstack import wait_settled
from tests.unit.virt.libvirt.samples import make_disk

pytestmark = pytest.mark.integration

FLAVOR = {'name': 'tiny', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': '100'}
RUNNING = libvirt.VIR_DOMAIN_RUNNING
SHUTOFF = libvirt.VIR_DOMAIN_SHUTOFF


def _public_key():
    """An ed25519 OpenSSH public key line (random bytes: it is only ever printed)."""
    blob = (b'\0\0\0\x0bssh-ed25519' + b'\0\0\0\x20' + secrets.token_bytes(32))
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} fullstack@novalite"


@pytest.fixture(scope='module')
def cloud(harness, guest_files, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('fullstack')
    made = fullstack.LibvirtCloud(harness, workdir, f'sqlite:///{workdir}/novalite.sqlite')
    with fullstack.running_cloud(made, guest_files, [FLAVOR]) as started:
        started.public_key = _public_key()
        started.client.post('/os-keypairs', {'keypair': {'name': 'fullstack-key',
                                                         'public_key': started.public_key}})
        started.db = sa.create_engine(started.db_url)
        yield started
        started.db.dispose()


def boot(cloud, name, image, *extra, check=True):
    return cloud.cli('boot', name, '--flavor', FLAVOR['name'], '--image', image, '--wait',
                     '--poll-interval', '0.2', '--wait-timeout', '120', *extra, check=check)


def server_by_name(cloud, name):
    (server,) = [s for s in cloud.client.servers.list(all_tenants=True) if s['name'] == name]
    return cloud.client.servers.get(server['id'])


def tap_of(dom):
    """The host-side device name of a domain's (only) NIC."""
    return ET.fromstring(dom.XMLDesc(0)).find('devices/interface/target').get('dev')


def fixed_ips_of(cloud, server_id):
    with cloud.db.connect() as conn:
        return conn.execute(sa.text('SELECT address FROM fixed_ips WHERE instance_uuid = :u'),
                            {'u': server_id}).scalars().all()


def allocations_of(cloud, server_id):
    with cloud.db.connect() as conn:
        return conn.execute(sa.text('SELECT id FROM allocations WHERE consumer_id = :u'),
                            {'u': server_id}).scalars().all()


def assert_host_idle(cloud):
    """os-hypervisors shows no usage and no guest (waiting for the next report)."""
    cloud.wait_for(lambda: all(
        (h['vcpus_used'], h['memory_mb_used'], h['local_gb_used'], h['running_vms'])
        == (0, 0, 0, 0) for h in cloud.client.hypervisors.list(detailed=True)),
        'hypervisor usage back to zero', timeout=30)


def download_count(cloud, image_id):
    return cloud.log(fullstack.HOST).count(f'Downloading image {image_id} ')


def base_path(cloud, image_id):
    return os.path.join(cloud.base_dir(), imagecache.base_name(image_id))


@pytest.fixture(scope='module')
def booted(cloud, tmp_path_factory):
    """One server booted through the CLI with a key, user data and a config drive."""
    user_data = tmp_path_factory.mktemp('user-data') / 'user-data.txt'
    marker = f'hello-fullstack-{secrets.token_hex(4)}'
    user_data.write_text(marker + '\n')
    done = boot(cloud, 'fullstack-one', cloud.images['kernel_boot'], '--key-name',
                'fullstack-key', '--user-data', str(user_data), '--config-drive', 'true')
    server = server_by_name(cloud, 'fullstack-one')
    # Read at once: ACTIVE must mean the domain already runs.
    state_at_active = cloud.domain_state(server['id'])
    return {'server': server, 'user_data': marker, 'boot_output': done.stdout,
            'state_at_active': state_at_active}


def test_boot_goes_active_with_a_running_guest_that_read_its_config_drive(cloud, booted):
    server = booted['server']
    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-SRV-ATTR:host'] == fullstack.HOST
    assert booted['state_at_active'] == RUNNING
    assert 'ACTIVE' in booted['boot_output']
    (address,) = [a['addr'] for a in server['addresses'][fullstack.NETWORK_LABEL]]
    assert address.startswith(fullstack.CIDR.rsplit('.', 1)[0] + '.')

    text = cloud.wait_console(server['id'], 'NOVALITE-GUEST ping=')
    assert 'NOVALITE-GUEST hostname=fullstack-one' in text
    assert f'NOVALITE-GUEST public_key={cloud.public_key}' in text
    assert f"NOVALITE-GUEST user_data={booted['user_data']}" in text
    assert f'NOVALITE-GUEST ip={address}' in text
    assert 'NOVALITE-GUEST ping=ok' in text
    addresses = cloud.harness.netns_run('ip', '-br', 'addr', 'show', 'dev',
                                        fullstack.BRIDGE).stdout
    assert f'{fullstack.GATEWAY}/24' in addresses
    # The compute did all this with no database access of its own.
    with open(os.path.join(cloud.workdir, f'{fullstack.HOST}.conf')) as f:
        assert '[database]' not in f.read()
    cloud.wait_for(lambda: [(h['running_vms'], h['vcpus_used'], h['memory_mb_used'])
                            for h in cloud.client.hypervisors.list(detailed=True)]
                   == [(1, FLAVOR['vcpus'], FLAVOR['ram'])], 'the host to count the guest',
                   timeout=30)


def test_stop_start_and_reboots_drive_the_real_domain(cloud, booted):
    server_id = booted['server']['id']
    # Up to its config drive: acpid, started before it, takes the power button.
    cloud.wait_console(server_id, 'NOVALITE-GUEST hostname=fullstack-one')

    cloud.cli('stop', server_id)
    assert wait_settled(cloud, server_id, 'SHUTOFF')['OS-EXT-STS:power_state'] == 4
    assert cloud.domain_state(server_id) == SHUTOFF
    # Stopped cleanly: the guest saw the ACPI power button.
    assert 'NOVALITE-GUEST acpi=poweroff' in cloud.console_log(server_id)

    cloud.cli('start', server_id)
    assert wait_settled(cloud, server_id, 'ACTIVE')['OS-EXT-STS:power_state'] == 1
    assert cloud.domain_state(server_id) == RUNNING
    cloud.wait_console(server_id, 'NOVALITE-GUEST hostname=fullstack-one')

    for hard in (False, True):
        before = cloud.domain(server_id).ID()
        cloud.cli('reboot', server_id, *(['--hard'] if hard else []))
        wait_settled(cloud, server_id, 'ACTIVE')
        dom = cloud.domain(server_id)
        assert dom.state()[0] == RUNNING
        assert dom.ID() != before, 'the domain was not restarted'
        # Booted again with its config drive (and acpid up for the next soft reboot).
        cloud.wait_console(server_id, 'NOVALITE-GUEST hostname=fullstack-one')

    # The lifecycle events of the restarts, handled after the tasks, agree.
    server = cloud.client.servers.get(server_id)
    assert (server['status'], server['OS-EXT-STS:power_state']) == ('ACTIVE', 1)
    actions = [a['action'] for a in cloud.client.servers.actions(server_id)]
    assert sorted(actions) == ['create', 'reboot', 'reboot', 'start', 'stop']


def test_two_servers_of_one_image_download_it_once(cloud):
    image = cloud.images['disk'] or cloud.create_image(
        'tiny-kernel-boot-2', os.path.join(cloud.workdir, 'root.raw'), properties={
            'kernel_id': cloud.images['kernel'], 'ramdisk_id': cloud.images['ramdisk'],
            'os_command_line': 'console=ttyS0 quiet'})
    assert not os.path.exists(base_path(cloud, image))
    boot(cloud, 'twins', image, '--min-count', '2', '--max-count', '2')
    servers = [server_by_name(cloud, name) for name in ('twins-1', 'twins-2')]
    try:
        for server in servers:
            assert server['status'] == 'ACTIVE'
            assert cloud.domain_state(server['id']) == RUNNING
        assert download_count(cloud, image) == 1
        assert os.path.isfile(base_path(cloud, image))
        assert not [n for n in os.listdir(cloud.base_dir()) if n.endswith('.part')]
        for server in servers:
            cloud.wait_console(server['id'], 'NOVALITE-GUEST boot')
    finally:
        cloud.cli('delete', '--wait', '--poll-interval', '0.2',
                  *[server['id'] for server in servers])
    for server in servers:
        assert cloud.domain(server['id']) is None


def test_images_precached_on_an_aggregate_are_not_downloaded_again_at_boot(cloud, guest_files):
    warm = cloud.register_guest(guest_files, suffix='-warm')
    image_ids = [warm['kernel'], warm['ramdisk'], warm['kernel_boot']]
    aggregate = cloud.client.aggregates.create('warm')
    cloud.client.aggregates.add_host(aggregate['id'], fullstack.HOST)
    cloud.cli('aggregate-cache-images', 'warm', *image_ids)
    cloud.wait_for(lambda: all(os.path.isfile(base_path(cloud, image_id))
                               for image_id in image_ids), 'the images in _base', timeout=60)
    assert [download_count(cloud, image_id) for image_id in image_ids] == [1, 1, 1]
    boot(cloud, 'warmed', warm['kernel_boot'])
    server = server_by_name(cloud, 'warmed')
    try:
        assert cloud.domain_state(server['id']) == RUNNING
        cloud.wait_console(server['id'], 'NOVALITE-GUEST boot')
        assert [download_count(cloud, image_id) for image_id in image_ids] == [1, 1, 1]
    finally:
        cloud.cli('delete', '--wait', '--poll-interval', '0.2', server['id'])
        cloud.client.aggregates.remove_host(aggregate['id'], fullstack.HOST)
        cloud.client.aggregates.delete(aggregate['id'])


def test_delete_leaves_nothing_behind(cloud, booted):
    server_id = booted['server']['id']
    dom = cloud.domain(server_id)
    tap = tap_of(dom)
    assert cloud.harness.link_exists(tap)
    assert fixed_ips_of(cloud, server_id)

    cloud.cli('delete', '--wait', '--poll-interval', '0.2', server_id)

    assert cloud.domain(server_id) is None
    assert not os.path.exists(cloud.instance_dir(server_id))
    assert not cloud.harness.link_exists(tap)
    assert fixed_ips_of(cloud, server_id) == []
    assert allocations_of(cloud, server_id) == []
    assert_host_idle(cloud)
    # The cached base stays for the next boot; no instance uses it any more.
    assert os.path.isfile(base_path(cloud, cloud.images['kernel_boot']))


def _liar(workdir):
    """Raw bytes registered as qcow2."""
    return (make_disk(workdir / 'liar.raw', 'raw'), 'qcow2',
            'disk_format is qcow2 but the data is raw')


def _backed(workdir):
    """A qcow2 that refers to a file of the host as its backing file."""
    secret = make_disk(workdir / 'secret.raw', 'raw')
    return (make_disk(workdir / 'backed.qcow2', 'qcow2', backing=secret), 'qcow2',
            'has a backing file')


@pytest.mark.parametrize('make_image', [_liar, _backed], ids=['format_mismatch', 'backing_file'])
def test_unacceptable_image_ends_in_error_with_a_fault_and_leaves_nothing(
        cloud, tmp_path, make_image):
    path, disk_format, reason = make_image(tmp_path)
    image = cloud.create_image(f'bad-{make_image.__name__}', path, disk_format=disk_format)
    name = f'bad{make_image.__name__}'

    done = boot(cloud, name, image, check=False)

    assert done.returncode == 1
    assert 'is in ERROR' in done.stderr and reason in done.stderr
    server = server_by_name(cloud, name)
    assert server['status'] == 'ERROR'
    assert reason in server['fault']['message']
    assert reason in cloud.cli('show', server['id']).stdout
    assert cloud.domain(server['id']) is None
    assert not os.path.exists(cloud.instance_dir(server['id']))
    assert not os.path.exists(base_path(cloud, image))
    assert not [n for n in os.listdir(cloud.base_dir()) if n.endswith('.part')]
    assert fixed_ips_of(cloud, server['id']) == []
    assert server['OS-EXT-SRV-ATTR:host'] is None
    cloud.wait_for(lambda: allocations_of(cloud, server['id']) == [], 'its claim released',
                   timeout=15)
    assert_host_idle(cloud)
    # Only one attempt: a bad image is bad on every host.
    assert download_count(cloud, image) == 1
    cloud.cli('delete', '--wait', '--poll-interval', '0.2', server['id'])
