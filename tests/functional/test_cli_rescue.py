"""The CLI's rescue, unrescue, set-password, get-password and lock commands against a
running all-in-one (fake hypervisor)."""

import os
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from novalite.api import microversion
from tests.functional import all_in_one
from tests.functional.test_all_in_one import _run
from tests.integration.cloud import Cloud


@pytest.fixture(scope='module')
def aio(tmp_path_factory):
    """A CLI environment (user demo) on an all-in-one that also has ``tiny-ga``, an
    image asking for the guest agent."""
    with all_in_one.running(tmp_path_factory.mktemp('aio')) as cloud:
        subprocess.run(
            [os.path.join(all_in_one.BIN, 'novalite-manage'), '--config-file',
             str(cloud.conf), 'image-create', '--name', 'tiny-ga', '--file', str(cloud.conf),
             '--disk-format', 'raw', '--property', 'hw_qemu_guest_agent=yes'],
            capture_output=True, text=True, check=True, timeout=120)
        yield dict(os.environ, NOVALITE_URL=cloud.url + '/v2.1', NOVALITE_TOKEN='demo:demo')


def _boot(aio, name, *extra):
    _run('novalite', 'boot', name, '--flavor', 'small', '--nic', 'none', '--wait',
         '--poll-interval', '0.2', *extra, env=aio)


def _status(aio, name):
    shown = _run('novalite', 'show', name, env=aio).stdout
    return next(line.split('|')[2].strip() for line in shown.splitlines()
                if line.startswith('| status '))


def test_rescue_wait_prints_the_password_and_unrescue_wait_brings_it_back(aio):
    _boot(aio, 'rescued', '--image', 'tiny')
    done = _run('novalite', 'rescue', 'rescued', '--password', 'let-me-in', '--wait',
                '--poll-interval', '0.2', env=aio)
    assert 'adminPass: let-me-in' in done.stdout
    assert _status(aio, 'rescued') == 'RESCUE'
    _run('novalite', 'unrescue', 'rescued', '--wait', '--poll-interval', '0.2', env=aio)
    assert _status(aio, 'rescued') == 'ACTIVE'
    done = _run('novalite', 'unrescue', 'rescued', env=aio, check=False)
    assert done.returncode == 1 and done.stderr.startswith('ERROR:')
    assert 'while it is in vm_state active' in done.stderr


def test_set_password_then_get_password_decrypts_it_with_the_key(aio, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode()
    (tmp_path / 'id.pub').write_text(public + '\n')
    private = tmp_path / 'id'
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption()))
    _run('novalite', 'keypair-add', 'rsa-key', '--pub-key', str(tmp_path / 'id.pub'), env=aio)
    _boot(aio, 'agent', '--image', 'tiny-ga', '--key-name', 'rsa-key')

    assert _run('novalite', 'get-password', 'agent', env=aio).stdout == '\n'
    done = _run('novalite', 'set-password', 'agent', '--password', 'n3w-s3cret', env=aio)
    assert 'has been changed' in done.stdout
    assert _run('novalite', 'get-password', 'agent', str(private), env=aio).stdout == (
        'n3w-s3cret\n')
    _run('novalite', 'clear-password', 'agent', env=aio)
    assert _run('novalite', 'get-password', 'agent', env=aio).stdout == '\n'


def test_set_password_without_an_agent_fails_with_novas_message(aio):
    _boot(aio, 'no-agent', '--image', 'tiny')
    done = _run('novalite', 'set-password', 'no-agent', '--password', 'x', env=aio,
                check=False)
    assert done.returncode == 1
    assert 'QEMU guest agent is not enabled' in done.stderr
    assert _status(aio, 'no-agent') == 'ACTIVE'


def test_lock_with_a_reason_and_unlock(aio):
    _boot(aio, 'locked', '--image', 'tiny')
    done = _run('novalite', 'lock', 'locked', '--reason', 'forensics', env=aio, check=False)
    if microversion.MAX_VERSION < microversion.APIVersion(2, 73):
        # Until the API advertises 2.73 the reason cannot be sent; the CLI says why.
        assert done.returncode == 1 and '2.73' in done.stderr
        _run('novalite', 'lock', 'locked', env=aio)
    else:
        assert done.returncode == 0
    done = _run('novalite', 'stop', 'locked', env=aio, check=False)
    assert done.returncode == 1 and 'is locked' in done.stderr
    _run('novalite', 'unlock', 'locked', env=aio)
    _run('novalite', 'stop', 'locked', env=aio)
    # Settled before the module's all-in-one stops: its conductor stops before
    # its compute, and a stop still running would wait on it for a minute.
    Cloud.wait_for(lambda: _status(aio, 'locked') == 'SHUTOFF', 'the server to stop')
