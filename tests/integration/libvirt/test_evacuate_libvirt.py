"""Evacuating a real guest between two libvirt hosts, through the whole stack.

Two libvirtds in their own namespaces (:mod:`tests.integration.libvirt.twohost`)
with a ``novalite-compute`` each. The compute of the server's host is killed
(-9): its libvirtd still runs the old guest, as a host whose compute died
would. Once the host is forced down, ``novalite evacuate --wait`` recreates
the guest on the other host from its image, with its fixed IP and config
drive. When the old compute starts again it destroys the old domain and its
files, and never starts it.
"""

import pytest
import sqlalchemy as sa

from tests.integration.libvirt import fullstack, twohost

pytestmark = pytest.mark.integration

TINY = {'name': 'tiny', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': '100'}


@pytest.fixture(scope='module')
def cloud(pair, guest_files, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('evacuate-libvirt')
    with twohost.running_cloud(pair, guest_files, workdir, [TINY]) as started:
        yield started


def _status(cloud, server_id):
    with cloud.db.connect() as conn:
        return conn.execute(sa.text("SELECT status FROM migrations WHERE instance_uuid = :u "
                                    "AND migration_type = 'evacuation'"),
                            {'u': server_id}).scalar()


def test_evacuated_guest_runs_on_the_other_host_and_the_old_host_destroys_its_copy(cloud):
    server = cloud.client.servers.create('evacuee', cloud.images['kernel_boot'], TINY['id'],
                                         config_drive=True)
    server_id = server['id']
    cloud.wait_for(lambda: cloud.client.servers.get(server_id)['status'] == 'ACTIVE',
                   'ACTIVE', timeout=180)
    before = cloud.client.servers.get(server_id)
    source = before['OS-EXT-SRV-ATTR:host']
    dest = 'compute2' if source == 'compute1' else 'compute1'
    (address,) = [a['addr'] for a in before['addresses'][fullstack.NETWORK_LABEL]]
    cloud.wait_console(server_id, 'NOVALITE-GUEST ping=')

    cloud.kill(source)
    cloud.client.put('/os-services/force-down', {'host': source, 'binary': 'novalite-compute',
                                                 'forced_down': True}, microversion='2.11')
    done = cloud.cli('evacuate', server_id, '--wait', '--poll-interval', '0.2',
                     '--wait-timeout', '180')
    assert 'ACTIVE' in done.stdout, done.stderr
    after = cloud.client.servers.get(server_id)
    assert after['OS-EXT-SRV-ATTR:host'] == dest
    assert [a['addr'] for a in after['addresses'][fullstack.NETWORK_LABEL]] == [address]
    assert dest in cloud.running_on(server_id)
    text = cloud.wait_console(server_id, 'NOVALITE-GUEST ip=')
    assert f'NOVALITE-GUEST ip={address}' in text and 'NOVALITE-GUEST name=evacuee' in text
    # The dead compute's libvirtd still runs the old guest until it comes back.
    assert source in cloud.running_on(server_id)
    assert _status(cloud, server_id) == 'done'

    cloud.restart(source)
    cloud.wait_for(lambda: cloud.domain_on(source, server_id) is None,
                   'the old host to destroy its domain', timeout=90)
    assert not cloud.instance_dir_on(source, server_id).exists()
    cloud.wait_for(lambda: _status(cloud, server_id) == 'completed', 'completed', timeout=30)
    assert cloud.running_on(server_id) == [dest]
    final = cloud.client.servers.get(server_id)
    assert (final['status'], final['OS-EXT-SRV-ATTR:host']) == ('ACTIVE', dest)
    cloud.client.put('/os-services/force-down', {'host': source, 'binary': 'novalite-compute',
                                                 'forced_down': False}, microversion='2.11')
    cloud.cli('delete', server_id, '--wait')
    assert cloud.running_on(server_id) == []
