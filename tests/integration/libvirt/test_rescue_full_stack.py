"""Rescue and passwords on a real guest through the whole stack, driven by the CLI.

A server of the tiny guest whose image asks for the guest agent, with an RSA
key pair: ``novalite set-password`` changes root's password inside it (the
guest prints its shadow line, checked hash for hash) and ``get-password``
decrypts the stored copy with the private key; ``novalite rescue`` boots the
rescue image with the server's own disk visible as vdb and ``unrescue``
boots the server's own disk again.
"""

import re
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.integration.libvirt import fullstack

pytestmark = pytest.mark.integration

FLAVOR = {'name': 'tiny', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': '100'}
RESCUE_MARK = 'NOVALITE-RESCUE-DISK'
WAIT = ('--wait', '--poll-interval', '0.2', '--wait-timeout', '180')


@pytest.fixture(scope='module')
def cloud(harness, guest_files, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('rescue')
    made = fullstack.LibvirtCloud(harness, workdir, f'sqlite:///{workdir}/novalite.sqlite')
    with fullstack.running_cloud(made, guest_files, [FLAVOR]) as started:
        _add_key_and_images(started, workdir, guest_files)
        yield started


def _add_key_and_images(cloud, workdir, guest_files):
    """An RSA key pair ``rsa`` (its private half at ``.private_key``), the guest
    asking for its agent (``.agent_image``) and a rescue image (``.rescue_image``)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode()
    cloud.private_key = workdir / 'id_rsa'
    cloud.private_key.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    cloud.client.post('/os-keypairs', {'keypair': {'name': 'rsa', 'public_key': public}})
    kernel = {'kernel_id': cloud.images['kernel'], 'ramdisk_id': cloud.images['ramdisk'],
              'os_command_line': guest_files['cmdline']}
    cloud.agent_image = cloud.create_image(
        'tiny-agent', properties={**kernel, 'hw_qemu_guest_agent': 'yes'})
    rescue_root = workdir / 'rescue.raw'
    rescue_root.write_bytes((RESCUE_MARK + '\n').encode().ljust(1024 * 1024, b'\0'))
    cloud.rescue_image = cloud.create_image('tiny-rescue', str(rescue_root),
                                            properties=kernel)


@pytest.fixture(scope='module')
def server(cloud):
    cloud.cli('boot', 'keeper', '--flavor', FLAVOR['name'], '--image', cloud.agent_image,
              '--key-name', 'rsa', '--config-drive', 'true', *WAIT)
    (found,) = [s for s in cloud.client.servers.list() if s['name'] == 'keeper']
    cloud.wait_console(found['id'], 'NOVALITE-GUEST root wrote=NOVALITE-ROOT from keeper')
    return found['id']


def _status(cloud, server_id):
    return cloud.client.servers.get(server_id)['status']


def _set_password(cloud, server_id, password, timeout=90):
    """``novalite set-password``, retried while the guest's agent is still starting (501)."""
    def done():
        return cloud.cli('set-password', server_id, '--password', password,
                         check=False).returncode == 0
    cloud.wait_for(done, 'the guest agent to take the password', timeout=timeout, interval=2)


def test_set_password_changes_roots_shadow_line_inside_the_guest(cloud, server):
    cloud.wait_console(server, 'NOVALITE-GUEST agent=started')
    _set_password(cloud, server, 'Tr0ub4dor&3')

    text = cloud.wait_console(server, r'NOVALITE-GUEST shadow=root:$6$')
    salt, digest = re.search(r'shadow=root:\$6\$([^$]+)\$([^:]+):', text).groups()
    expected = subprocess.run(['openssl', 'passwd', '-6', '-salt', salt, 'Tr0ub4dor&3'],
                              capture_output=True, text=True, check=True).stdout.strip()
    assert expected == f'$6${salt}${digest}'
    assert _status(cloud, server) == 'ACTIVE'
    events = cloud.client.servers.action(server, [
        a for a in cloud.client.servers.actions(server)
        if a['action'] == 'changePassword'][0]['request_id'])['events']
    assert [(e['event'], e['result']) for e in events] == [
        ('compute_set_admin_password', 'Success')]


def test_get_password_decrypts_what_set_password_stored(cloud, server):
    done = cloud.cli('get-password', server, str(cloud.private_key))
    assert done.stdout == 'Tr0ub4dor&3\n'


def test_rescue_boots_the_rescue_disk_with_the_servers_disk_visible(cloud, server):
    done = cloud.cli('rescue', server, '--image', cloud.rescue_image, *WAIT)
    assert re.search(r'adminPass: \S+', done.stdout)
    assert _status(cloud, server) == 'RESCUE'
    text = cloud.wait_console(server, 'NOVALITE-GUEST disk vdb has=NOVALITE-ROOT from keeper')
    booted = text[text.rfind('NOVALITE-GUEST boot'):]
    assert f'NOVALITE-GUEST root has={RESCUE_MARK}' in booted


def test_unrescue_boots_the_servers_own_disk_again(cloud, server):
    cloud.cli('unrescue', server, *WAIT)
    assert _status(cloud, server) == 'ACTIVE'
    text = cloud.wait_console(server, 'NOVALITE-GUEST ready')
    booted = text[text.rfind('NOVALITE-GUEST boot'):]
    assert 'NOVALITE-GUEST root has=NOVALITE-ROOT from keeper' in booted
    assert 'disk vdb' not in booted
    actions = [a['action'] for a in cloud.client.servers.actions(server)]
    assert sorted(actions) == ['changePassword', 'create', 'rescue', 'unrescue']
