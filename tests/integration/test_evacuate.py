"""Evacuation and rebuild recovery on two fake compute hosts, real daemons on RabbitMQ and MariaDB.

The server's compute host is killed (-9): while its heartbeat is fresh the
evacuation is refused; once the host is forced down, ``novalite evacuate
--wait`` recreates the server on the other host with its fixed IP. When the
old host's compute comes back, it removes the guest it still holds and never
starts it; the evacuation record ends ``completed`` and each host's usage is
what its servers explain. A compute killed in the middle of a rebuild puts
the server in ERROR when it starts again, and a new rebuild brings it back.
"""

import json
import os
import subprocess

import pytest
import sqlalchemy as sa

from tests.integration.cloud import BIN, Cloud
from tests.integration.conftest import make_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('evacuate')
    url, drop = make_database('mariadb', workdir)
    # Spawns take a moment, so that a rebuild can be caught in rebuild_spawning.
    cloud = Cloud(workdir, url, computes=2, options={'fake': {'spawn_seconds': 2}}).start()
    cloud.client.flavors.create(name='small', ram=512, vcpus=1, disk=1, id='1')
    cloud.image_id = cloud.create_image()
    cloud.db = sa.create_engine(url)
    yield cloud
    cloud.db.dispose()
    cloud.stop()
    drop()


def _cli(cloud, *args, check=True):
    env = dict(os.environ, NOVALITE_URL=cloud.client.endpoint, NOVALITE_TOKEN='admin:admin')
    return subprocess.run([os.path.join(BIN, 'novalite'), *args], capture_output=True,
                          text=True, env=env, check=check, timeout=180)


def _guest_file(cloud, host, server_id):
    return os.path.join(cloud.workdir, host, f'fake-{host}', f'{server_id}.json')


def _force_down(cloud, host, forced=True):
    cloud.client.put('/os-services/force-down', {'host': host, 'binary': 'novalite-compute',
                                                 'forced_down': forced}, microversion='2.11')


def _migration(cloud, server_id):
    with cloud.db.connect() as conn:
        return conn.execute(sa.text(
            'SELECT migration_type, status, source_compute, dest_compute FROM migrations '
            'WHERE instance_uuid = :u'), {'u': server_id}).one()


def _usage(cloud):
    return {h['service']['host']: (h['vcpus_used'], h['memory_mb_used'])
            for h in cloud.client.hypervisors.list(detailed=True)}


def test_evacuate_after_kill_and_force_down_then_the_old_host_cleans_up(cloud):
    server = cloud.client.servers.create('evacuee', cloud.image_id, '1')
    cloud.wait_for(lambda: cloud.client.servers.get(server['id'])['status'] == 'ACTIVE',
                   'ACTIVE')
    before = cloud.client.servers.get(server['id'])
    source = before['OS-EXT-SRV-ATTR:host']
    dest = next(host for host in cloud.compute_hosts if host != source)
    assert os.path.exists(_guest_file(cloud, source, server['id']))

    cloud.kill(source)
    refused = _cli(cloud, 'evacuate', 'evacuee', check=False)
    assert refused.returncode != 0
    assert f'Compute service of {source} is still in use.' in refused.stderr

    _force_down(cloud, source)
    done = _cli(cloud, 'evacuate', 'evacuee', '--wait', '--poll-interval', '0.2',
                '--wait-timeout', '120')
    assert 'ACTIVE' in done.stdout, done.stderr
    after = cloud.client.servers.get(server['id'])
    assert (after['status'], after['OS-EXT-SRV-ATTR:host']) == ('ACTIVE', dest)
    assert after['addresses'] == before['addresses'] and after['addresses']
    assert os.path.exists(_guest_file(cloud, dest, server['id']))
    assert _migration(cloud, server['id']) == ('evacuation', 'done', source, dest)
    actions = [a['action'] for a in cloud.client.servers.actions(server['id'])]
    assert sorted(actions) == ['create', 'evacuate']

    # The old host comes back: it must remove its copy and never start it.
    cloud.restart(source)
    cloud.wait_for(lambda: not os.path.exists(_guest_file(cloud, source, server['id'])),
                   'the old host to remove the evacuated guest', timeout=60)
    cloud.wait_for(lambda: _migration(cloud, server['id'])[1] == 'completed',
                   'the evacuation record completed', timeout=30)
    _force_down(cloud, source, forced=False)
    cloud.wait_for(lambda: _usage(cloud) == {source: (0, 0), dest: (1, 512)},
                   'usage on the destination only', timeout=30)
    final = cloud.client.servers.get(server['id'])
    assert (final['status'], final['OS-EXT-SRV-ATTR:host']) == ('ACTIVE', dest)
    with open(_guest_file(cloud, dest, server['id'])) as f:
        assert json.load(f)['state'] == 1
    assert 'was evacuated to' in cloud.log(source)


def test_a_compute_killed_mid_rebuild_leaves_error_and_a_new_rebuild_recovers(cloud):
    server = cloud.client.servers.create('crashy', cloud.image_id, '1')
    cloud.wait_for(lambda: cloud.client.servers.get(server['id'])['status'] == 'ACTIVE',
                   'ACTIVE')
    host = cloud.client.servers.get(server['id'])['OS-EXT-SRV-ATTR:host']
    cloud.client.servers.rebuild(server['id'], cloud.image_id)
    cloud.wait_for(lambda: cloud.client.servers.get(server['id'])['OS-EXT-STS:task_state']
                   == 'rebuild_spawning', 'rebuild_spawning', interval=0.05)
    cloud.kill(host)
    cloud.restart(host)
    cloud.wait_for(lambda: cloud.client.servers.get(server['id'])['status'] == 'ERROR',
                   'ERROR after the restart', timeout=60)
    failed = cloud.client.servers.get(server['id'])
    assert 'restarted during the rebuild' in failed['fault']['message']
    assert failed['OS-EXT-STS:task_state'] is None

    done = _cli(cloud, 'rebuild', 'crashy', cloud.image_id, '--wait', '--poll-interval',
                '0.2', '--wait-timeout', '120')
    assert 'ACTIVE' in done.stdout, done.stderr
    with open(_guest_file(cloud, host, server['id'])) as f:
        assert json.load(f)['state'] == 1
