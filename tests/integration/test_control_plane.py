"""The control plane across real processes: api, conductor, schedulers, three computes.

Every test runs separate daemon processes on RabbitMQ; the boot-and-delete
test runs once on each of SQLite, MariaDB and PostgreSQL.
"""

import collections
import concurrent.futures
import os
import signal

import pytest

from tests.integration.cloud import Cloud

pytestmark = pytest.mark.integration

SMALL = {'name': 'small', 'ram': 512, 'vcpus': 1, 'disk': 1, 'id': '1'}


@pytest.fixture
def cloud_factory(tmp_path):
    clouds = []

    def make(db_url, **kwargs):
        cloud = Cloud(tmp_path, db_url, **kwargs).start()
        clouds.append(cloud)
        cloud.client.flavors.create(**SMALL)
        cloud.image_id = cloud.create_image()
        return cloud

    yield make
    for cloud in clouds:
        cloud.stop()


def _hosts(servers):
    return collections.Counter(s['OS-EXT-SRV-ATTR:host'] for s in servers)


def test_twenty_servers_go_active_spread_over_hosts_and_free_them_on_delete(
        cloud_factory, database_url):
    cloud = cloud_factory(database_url)
    for n in range(20):
        cloud.client.servers.create(f'web-{n}', cloud.image_id, '1', networks='none')
    servers = cloud.wait_for_servers()

    assert [s['status'] for s in servers] == ['ACTIVE'] * 20
    assert sorted(_hosts(servers).values()) == [6, 7, 7]

    for server in servers:
        cloud.client.servers.delete(server['id'])
    cloud.wait_for(lambda: not cloud.client.servers.list(all_tenants=True), 'servers gone')
    cloud.wait_for(lambda: all(h['memory_mb_used'] == 0 and h['vcpus_used'] == 0
                               and h['running_vms'] == 0
                               for h in cloud.client.hypervisors.list(detailed=True)),
                   'hosts back to zero usage')


def _boot_concurrently(cloud, requests):
    def boot(index_count):
        index, count = index_count
        try:
            cloud.client.servers.create(f'race-{index}', cloud.image_id, '1',
                                        min_count=count, max_count=count, networks='none')
        except Exception as exc:  # noqa: BLE001 - a refused request is a valid outcome
            return exc
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(boot, enumerate(requests)))


def _assert_no_host_over(cloud, per_host):
    for hypervisor in cloud.client.hypervisors.list(detailed=True):
        assert hypervisor['memory_mb_used'] <= hypervisor['memory_mb']
        assert hypervisor['running_vms'] <= per_host


def _assert_failed_with_no_valid_host(servers):
    for server in servers:
        if server['status'] != 'ACTIVE':
            assert server['status'] == 'ERROR'
            assert 'No valid host' in server['fault']['message']


def test_concurrent_single_boots_fill_exactly_the_room_there_is(cloud_factory, mariadb_url):
    cloud = cloud_factory(mariadb_url, computes=2, schedulers=2,
                          options={'fake': {'memory_mb': 2048}})
    _boot_concurrently(cloud, [1] * 14)
    servers = cloud.wait_for_servers()

    assert sum(s['status'] == 'ACTIVE' for s in servers) == 8
    _assert_failed_with_no_valid_host(servers)
    cloud.wait_for(lambda: sum(h['running_vms'] for h in
                               cloud.client.hypervisors.list(detailed=True)) == 8,
                   'the drivers to report 8 guests')
    _assert_no_host_over(cloud, per_host=4)


def test_concurrent_multi_creates_never_overcommit(cloud_factory, mariadb_url):
    cloud = cloud_factory(mariadb_url, computes=2, schedulers=2,
                          options={'fake': {'memory_mb': 2048}})
    _boot_concurrently(cloud, [2, 3, 1, 2, 3, 1, 2])
    servers = cloud.wait_for_servers()

    # All-or-nothing requests racing can each fail on room another one holds
    # for a moment, so only the upper bound is exact.
    assert 0 < sum(s['status'] == 'ACTIVE' for s in servers) <= 8
    _assert_failed_with_no_valid_host(servers)
    _assert_no_host_over(cloud, per_host=4)
    by_reservation = collections.defaultdict(set)
    for server in servers:
        by_reservation[server['OS-EXT-SRV-ATTR:reservation_id']].add(server['status'])
    assert all(len(statuses) == 1 for statuses in by_reservation.values())


def _server_in_task(cloud, server_id, task_state):
    server = cloud.client.servers.get(server_id)
    return server['OS-EXT-STS:task_state'] == task_state


def test_compute_killed_mid_build_leaves_no_server_building(cloud_factory, sqlite_url):
    cloud = cloud_factory(sqlite_url, computes=1, options={'fake': {'spawn_seconds': 5}})
    server = cloud.client.servers.create('crash', cloud.image_id, '1', networks='none')
    cloud.wait_for(lambda: _server_in_task(cloud, server['id'], 'spawning'), 'spawning')

    cloud.kill('compute1')
    cloud.restart('compute1')
    (server,) = cloud.wait_for_servers()

    assert server['status'] == 'ERROR'
    assert 'restarted during the build' in server['fault']['message']


def test_conductor_killed_mid_build_still_settles_the_server(cloud_factory, sqlite_url):
    cloud = cloud_factory(sqlite_url, computes=1, options={'fake': {'spawn_seconds': 3}})
    server = cloud.client.servers.create('crash', cloud.image_id, '1', networks='none')
    cloud.wait_for(lambda: _server_in_task(cloud, server['id'], 'spawning'), 'spawning')

    cloud.kill('conductor')
    cloud.restart('conductor')
    (server,) = cloud.wait_for_servers()

    assert server['status'] == 'ACTIVE'


def test_conductor_killed_before_scheduling_recovers_the_build(cloud_factory, sqlite_url):
    cloud = cloud_factory(sqlite_url, computes=1)
    cloud.kill('conductor')
    server = cloud.client.servers.create('lost', cloud.image_id, '1', networks='none')
    cloud.restart('conductor')
    (server,) = cloud.wait_for_servers()

    assert server['status'] == 'ACTIVE'


def test_failed_spawn_is_rescheduled_to_another_host(cloud_factory, sqlite_url):
    cloud = cloud_factory(sqlite_url, computes=2,
                          compute_options={'compute1': {'fake': {
                              'fail_spawn_on_hosts': 'compute1', 'memory_mb': 131072}}})
    server = cloud.client.servers.create('retry', cloud.image_id, '1', networks='none')
    (server,) = cloud.wait_for_servers()

    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-SRV-ATTR:host'] == 'compute2'
    (action,) = cloud.client.servers.actions(server['id'])
    events = cloud.client.servers.action(server['id'], action['request_id'])['events']
    builds = [e for e in events if e['event'] == 'compute__do_build_and_run_instance']
    assert [e['result'] for e in builds] == ['Error', 'Success']
    assert 'fake spawn failure configured for host compute1' in builds[0]['traceback']


def test_sigterm_lets_the_build_in_flight_finish_before_compute_exits(cloud_factory,
                                                                       sqlite_url):
    cloud = cloud_factory(sqlite_url, computes=1, options={'fake': {'spawn_seconds': 3}})
    server = cloud.client.servers.create('drain', cloud.image_id, '1', networks='none')
    cloud.wait_for(lambda: _server_in_task(cloud, server['id'], 'spawning'), 'spawning')

    assert cloud.kill('compute1', signal.SIGTERM) == 0
    server = cloud.client.servers.get(server['id'])

    assert server['status'] == 'ACTIVE'


def test_compute_runs_without_any_database_configuration(cloud_factory, sqlite_url):
    cloud = cloud_factory(sqlite_url, computes=1)
    cloud.client.servers.create('nodb', cloud.image_id, '1', networks='none')
    (server,) = cloud.wait_for_servers()

    assert server['status'] == 'ACTIVE'
    with open(cloud.procs['compute1'][2]) as conf:
        assert '[database]' not in conf.read()
    assert not os.path.exists(os.path.join(cloud.workdir, 'compute1', 'novalite.sqlite'))
