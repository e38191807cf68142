"""Moving servers between two fake compute hosts, through real daemons on RabbitMQ and MariaDB.

Resize and cold migration with confirm and revert, live migration with its
progress visible while it runs, and an aborted live migration. Each checks
where the server ends, its flavor, and that every host's usage is what its
servers explain.
"""

import pytest

from tests.integration.cloud import Cloud
from tests.integration.conftest import make_database

pytestmark = pytest.mark.integration

SMALL = {'name': 'small', 'ram': 512, 'vcpus': 1, 'disk': 1, 'id': '1'}
LARGE = {'name': 'large', 'ram': 1024, 'vcpus': 2, 'disk': 2, 'id': '2'}


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('moves')
    url, drop = make_database('mariadb', workdir)
    cloud = Cloud(workdir, url, computes=2,
                  options={'fake': {'live_migration_step_seconds': 1.0}}).start()
    cloud.client.flavors.create(**SMALL)
    cloud.client.flavors.create(**LARGE)
    cloud.image_id = cloud.create_image()
    yield cloud
    cloud.stop()
    drop()


def _boot(cloud, name):
    server = cloud.client.servers.create(name, cloud.image_id, '1', networks='none')
    return _wait(cloud, server['id'], 'ACTIVE')


def _wait(cloud, server_id, status):
    cloud.wait_for(lambda: cloud.client.servers.get(server_id)['status'] in (status, 'ERROR'),
                   f'server {server_id} {status}', timeout=60)
    server = cloud.client.servers.get(server_id)
    assert server['status'] == status, server.get('fault')
    return server


def _host(server):
    return server['OS-EXT-SRV-ATTR:host']


def _usage(cloud):
    """{host: (vcpus_used, memory_mb_used)} once every report agrees with the claims."""
    return {h['service']['host']: (h['vcpus_used'], h['memory_mb_used'])
            for h in cloud.client.hypervisors.list(detailed=True)}


def _wait_usage(cloud, expected):
    cloud.wait_for(lambda: _usage(cloud) == expected, f'usage {expected}', timeout=30)


def _other(cloud, host):
    return next(h for h in cloud.compute_hosts if h != host)


def test_resize_moves_the_server_holds_both_hosts_until_confirmed_then_frees_the_source(cloud):
    server = _boot(cloud, 'resized')
    source = _host(server)
    cloud.client.servers.resize(server['id'], '2')
    resized = _wait(cloud, server['id'], 'VERIFY_RESIZE')
    dest = _host(resized)
    assert dest != source and resized['flavor']['id'] == '2'
    _wait_usage(cloud, {source: (1, 512), dest: (2, 1024)})

    cloud.client.servers.confirm_resize(server['id'])
    confirmed = _wait(cloud, server['id'], 'ACTIVE')
    assert _host(confirmed) == dest
    _wait_usage(cloud, {source: (0, 0), dest: (2, 1024)})
    cloud.client.servers.delete(server['id'])
    _wait_usage(cloud, {source: (0, 0), dest: (0, 0)})


def test_reverted_migration_returns_the_server_to_its_source_and_frees_the_destination(cloud):
    server = _boot(cloud, 'reverted')
    source = _host(server)
    cloud.client.servers.migrate(server['id'])
    assert _host(_wait(cloud, server['id'], 'VERIFY_RESIZE')) == _other(cloud, source)

    cloud.client.servers.revert_resize(server['id'])
    reverted = _wait(cloud, server['id'], 'ACTIVE')
    assert _host(reverted) == source and reverted['flavor']['id'] == '1'
    _wait_usage(cloud, {source: (1, 512), _other(cloud, source): (0, 0)})
    cloud.client.servers.delete(server['id'])
    _wait_usage(cloud, {source: (0, 0), _other(cloud, source): (0, 0)})


def test_live_migration_reports_growing_progress_and_ends_on_the_destination(cloud):
    server = _boot(cloud, 'live')
    source = _host(server)
    cloud.client.servers.live_migrate(server['id'])
    seen = []

    def progressed():
        seen.extend(m['memory_processed_bytes'] or 0
                    for m in cloud.client.servers.migrations(server['id']))
        return len(set(seen)) >= 2
    cloud.wait_for(progressed, 'two different progress reports', timeout=30)
    assert seen == sorted(seen) and seen[-1] <= 512 * 1024 * 1024

    moved = _wait(cloud, server['id'], 'ACTIVE')
    cloud.wait_for(lambda: _host(cloud.client.servers.get(server['id'])) != source,
                   'the server on the destination', timeout=30)
    cloud.wait_for(lambda: cloud.client.servers.migrations(server['id']) == [],
                   'the migration completed', timeout=30)
    dest = _host(cloud.client.servers.get(server['id']))
    assert moved['status'] == 'ACTIVE' and dest == _other(cloud, source)
    _wait_usage(cloud, {source: (0, 0), dest: (1, 512)})
    cloud.client.servers.delete(server['id'])


def test_aborted_live_migration_leaves_the_server_running_on_its_source(cloud):
    server = _boot(cloud, 'aborted')
    source = _host(server)
    cloud.client.servers.live_migrate(server['id'])
    # Below 2.65 only a running migration can be aborted.
    cloud.wait_for(lambda: [m for m in cloud.client.servers.migrations(server['id'])
                            if m['status'] == 'running'], 'a running migration')
    [migration] = cloud.client.servers.migrations(server['id'])
    cloud.client.servers.abort_migration(server['id'], migration['id'])

    aborted = _wait(cloud, server['id'], 'ACTIVE')
    cloud.wait_for(lambda: not cloud.client.servers.migrations(server['id']),
                   'no migration under way', timeout=30)
    assert _host(cloud.client.servers.get(server['id'])) == source == _host(aborted)
    _wait_usage(cloud, {source: (1, 512), _other(cloud, source): (0, 0)})
    cloud.client.servers.delete(server['id'])
