"""Draining a host server-side: real daemons on RabbitMQ and MariaDB, two fake compute hosts.

``novalite host-drain`` disables the host and live-migrates its servers to
the other, never more at once than the drain allows; a conductor killed in
the middle resumes the drain when it starts again.
"""

import datetime
import json
import os
import subprocess
import sys

import pytest

from tests.integration.cloud import Cloud
from tests.integration.conftest import make_database

pytestmark = pytest.mark.integration

BIN = os.path.dirname(sys.executable)
SERVERS = 4


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('drain')
    url, drop = make_database('mariadb', workdir)
    # A move the killed conductor had begun is found abandoned within seconds.
    cloud = Cloud(workdir, url, computes=2,
                  options={'fake': {'live_migration_step_seconds': 0.4},
                           'migration': {'drain_poll_interval': 0.2},
                           'DEFAULT': {'task_state_grace': 5, 'reap_interval': 2},
                           'conductor': {'abandoned_move_timeout': 5}}).start()
    cloud.client.flavors.create('small', 512, 1, 1, id='1')
    cloud.image_id = cloud.create_image()
    yield cloud
    cloud.stop()
    drop()


def _boot_on(cloud, host, count):
    cloud.client.servers.create('drained', cloud.image_id, '1', min_count=count,
                                max_count=count, availability_zone=f'nova:{host}',
                                networks='none')
    cloud.wait_for_servers()
    return [s for s in cloud.client.servers.list(all_tenants=True)
            if s['OS-EXT-SRV-ATTR:host'] == host and s['status'] == 'ACTIVE']


def _at_once(migrations):
    """The most live migrations of ``migrations`` that were ever running together."""
    edges = []
    for migration in migrations:
        edges.append((datetime.datetime.fromisoformat(migration['created_at']), 1))
        edges.append((datetime.datetime.fromisoformat(migration['updated_at']), -1))
    running = most = 0
    for _when, step in sorted(edges):
        running += step
        most = max(most, running)
    return most


def _cli(cloud, *args):
    env = dict(os.environ, NOVALITE_URL=cloud.client.endpoint, NOVALITE_TOKEN='admin:admin')
    return subprocess.Popen([os.path.join(BIN, 'novalite'), *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_drain_moves_every_server_off_the_host_two_at_a_time(cloud):
    servers = _boot_on(cloud, 'compute1', SERVERS)
    assert len(servers) == SERVERS
    proc = _cli(cloud, 'host-drain', 'compute1', '--max-outbound', '2',
                '--poll-interval', '0.5', '--format', 'json')
    seen_running = []

    def ended():
        drains = cloud.client.host_drains.list(host='compute1')
        if drains:
            drain = cloud.client.host_drains.get(drains[0]['id'])
            seen_running.append(drain['counts'].get('running', 0))
            return drain['status'] != 'running'
        return False

    cloud.wait_for(ended, 'the drain to end', timeout=120, interval=0.3)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    drain = json.loads(out)
    assert drain['status'] == 'completed'
    assert {s['status'] for s in drain['servers']} == {'completed'}
    assert max(seen_running) == 2
    migrations = cloud.client.migrations.list(host='compute1', migration_type='live-migration')
    assert len(migrations) == SERVERS and _at_once(migrations) <= 2
    for server in servers:
        moved = cloud.client.servers.get(server['id'])
        assert (moved['status'], moved['OS-EXT-SRV-ATTR:host']) == ('ACTIVE', 'compute2')
    [service] = cloud.client.services.list(host='compute1', binary='nova-compute')
    assert service['status'] == 'disabled' and drain['id'] in service['disabled_reason']
    assert 'ETA' in err


def test_a_drain_resumes_after_its_conductor_is_killed(cloud):
    cloud.client.services.enable('compute1', 'nova-compute')
    servers = [s for s in cloud.client.servers.list(all_tenants=True)
               if s['OS-EXT-SRV-ATTR:host'] == 'compute2']
    drain = cloud.client.host_drains.create('compute2', max_outbound_per_host=1)

    def second_move_copying():
        servers = cloud.client.host_drains.get(drain['id'])['servers']
        return sum(s['status'] == 'completed' for s in servers) == 1 and any(
            s.get('migration_status') == 'running' for s in servers)

    # Killed with one server moved and the next handed over to its hosts.
    cloud.wait_for(second_move_copying, 'a second server moving', timeout=60, interval=0.1)
    cloud.kill('conductor')
    cloud.restart('conductor')
    cloud.wait_for(lambda: cloud.client.host_drains.get(drain['id'])['status'] != 'running',
                   'the drain to end', timeout=240)
    drain = cloud.client.host_drains.get(drain['id'])
    assert drain['status'] == 'completed', drain
    for server in servers:
        moved = cloud.client.servers.get(server['id'])
        assert (moved['status'], moved['OS-EXT-SRV-ATTR:host']) == ('ACTIVE', 'compute1')
