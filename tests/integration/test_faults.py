"""The fault suite: faults during a burst of boots leave nothing stuck, lost or phantom.

Real daemons on a RabbitMQ node and a MariaDB server of this module's own
(:mod:`tests.integration.private_services`), so they can be killed and
restarted. Each trial boots a burst of servers (one request each) and
injects one fault at a random point of it: kill -9 of the conductor, a
scheduler or a compute host (restarted at once), a broker restart, a
database restart, or deletes during the builds. Then, once the cloud has
settled, a trial passes with:

- 0 stuck: no server left in a task state (or BUILD);
- 0 lost: every create answered 202 has its server;
- 0 phantom: no create answered with an error left a server behind;
- claims equal to the servers placed;
and every server then deletes, freeing every claim.

Intervals are short (heartbeats every second, task-state grace of 8 s) so
that the suite fits in CI; each trial prints its outcome.
"""

import concurrent.futures
import random
import time
import uuid

import pymysql
import pytest

from novalite.cli import client as novalite_client
from tests.integration.cloud import Cloud
from tests.integration.private_services import PrivateMariaDB, PrivateRabbit

pytestmark = pytest.mark.integration

BURST = 6
SETTLE_TIMEOUT = 150

OPTIONS = {
    'DEFAULT': {'rpc_response_timeout': 20, 'task_state_grace': 8, 'reap_interval': 2,
                'task_state_deadlines': 'scheduling:90,default:90'},
    'conductor': {'build_recovery_timeout': 8, 'placement_wait_timeout': 5},
    'database': {'db_retry_interval': 1, 'db_max_retry_interval': 2, 'db_max_retries': 60},
    'oslo_messaging_rabbit': {'rabbit_interval_max': 2},
    # Builds take a moment, so that faults land in the middle of them.
    'fake': {'spawn_seconds': 1},
}


@pytest.fixture(scope='module')
def private(tmp_path_factory):
    rabbit, mariadb = PrivateRabbit(), PrivateMariaDB()
    try:
        rabbit.start()
        mariadb.start()
        yield rabbit, mariadb
    finally:
        rabbit.destroy()
        mariadb.destroy()


def make_cloud(workdir, rabbit, mariadb, options, computes=2):
    """A started cloud on the private broker and database, with a flavor and an image."""
    name = 'novalite_' + uuid.uuid4().hex[:8]
    cloud = Cloud(workdir, mariadb.create_database(name), computes=computes, options=options,
                  transport_url=rabbit.url)
    cloud.start()
    cloud.client.flavors.create(name='small', ram=256, vcpus=1, disk=1, id='1')
    cloud.image_id = cloud.create_image()
    cloud.rabbit, cloud.mariadb, cloud.db_name = rabbit, mariadb, name
    return cloud


@pytest.fixture(scope='module')
def cloud(private, tmp_path_factory):
    cloud = make_cloud(tmp_path_factory.mktemp('faults'), *private, OPTIONS)
    yield cloud
    cloud.stop()


def _create(cloud, name):
    """('accepted', id), ('refused', status) or ('unanswered', None)."""
    try:
        server = cloud.client.servers.create(name, cloud.image_id, '1', networks='none')
        return 'accepted', server['id']
    except novalite_client.ClientError as exc:
        return ('refused', exc.status) if exc.status else ('unanswered', None)


def _burst(cloud, prefix, fault, burst):
    """Boot ``burst`` servers, running ``fault`` at a random point; returns {name: outcome}."""
    names = [f'{prefix}-{n}' for n in range(burst)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=burst + 1) as pool:
        creates = {}
        for name in names:
            creates[name] = pool.submit(_create, cloud, name)
            time.sleep(random.uniform(0.1, 0.5))
            if name == names[burst // 2]:
                injected = pool.submit(fault, cloud, dict(creates))
        injected.result(timeout=180)
        return {name: future.result(timeout=180) for name, future in creates.items()}


def _servers(cloud):
    return cloud.client.servers.list(all_tenants=True)


def _settled(cloud):
    return all(s['status'] in ('ACTIVE', 'ERROR') and not s['OS-EXT-STS:task_state']
               for s in _servers(cloud))


def _claims_and_placed(cloud):
    conn = pymysql.connect(host='127.0.0.1', port=cloud.mariadb.port, user='root',
                           database=cloud.db_name)
    with conn.cursor() as cursor:
        cursor.execute('SELECT DISTINCT consumer_id FROM allocations')
        claimed = {row[0] for row in cursor.fetchall()}
        cursor.execute('SELECT uuid FROM instances WHERE deleted = 0 AND node IS NOT NULL')
        placed = {row[0] for row in cursor.fetchall()}
    conn.close()
    return claimed, placed


def run_trial(cloud, kind, fault, burst=BURST, settle_timeout=SETTLE_TIMEOUT):
    """Boot a burst with ``fault`` in it, check what it left, delete everything."""
    outcomes = _burst(cloud, kind, fault, burst)
    started = time.monotonic()
    try:
        cloud.wait_for(lambda: _settled(cloud), f'servers to settle after {kind}',
                       timeout=settle_timeout, interval=1)
    except AssertionError as exc:
        states = [(s['name'], s['status'], s['OS-EXT-STS:task_state'],
                   s['OS-EXT-SRV-ATTR:host']) for s in _servers(cloud)]
        raise AssertionError(f'{exc}: {states}') from None
    servers = {s['name']: s for s in _servers(cloud)}
    accepted = {name for name, (outcome, _) in outcomes.items() if outcome == 'accepted'}
    refused = {name for name, (outcome, _) in outcomes.items() if outcome == 'refused'}
    deleted_by_trial = getattr(fault, 'deleted', set())
    lost = accepted - set(servers) - deleted_by_trial
    phantom = refused & set(servers)
    claimed, placed = _claims_and_placed(cloud)
    statuses = [s['status'] for s in servers.values()]
    print(f'\n[fault trial] {kind}: {len(accepted)} accepted, {len(refused)} refused, '
          f'{burst - len(accepted) - len(refused)} unanswered; '
          f'{statuses.count("ACTIVE")} ACTIVE, {statuses.count("ERROR")} ERROR, '
          f'{len(deleted_by_trial)} deleted; settled in {time.monotonic() - started:.0f} s; '
          f'lost {len(lost)}, phantom {len(phantom)}, claims {len(claimed)} / placed '
          f'{len(placed)}')
    try:
        assert not lost and not phantom
        assert claimed == placed
    finally:
        # The next trial starts from an empty cloud, whatever this one left.
        _delete_all(cloud)


def _delete_all(cloud):
    for server in _servers(cloud):
        try:
            cloud.client.servers.delete(server['id'])
        except novalite_client.NotFound:
            pass
    cloud.wait_for(lambda: not _servers(cloud), 'every server deleted', timeout=120,
                   interval=1)
    cloud.wait_for(lambda: _claims_and_placed(cloud) == (set(), set()), 'every claim freed',
                   timeout=60, interval=1)


def _kill_and_restart(name):
    def fault(cloud, creates):
        cloud.kill(name)
        cloud.restart(name)
    return fault


def restarting(service, down_seconds):
    """A fault that kills ``cloud.<service>`` (rabbit or mariadb) and starts it again."""
    def fault(cloud, creates):
        getattr(cloud, service).restart(down_seconds=down_seconds)
    return fault


def _delete_during_build(cloud, creates):
    for name, future in creates.items():
        outcome, server_id = future.result(timeout=180)
        if outcome == 'accepted':
            time.sleep(random.uniform(0, 1.5))
            cloud.client.servers.delete(server_id)
            _delete_during_build.deleted.add(name)


_delete_during_build.deleted = set()


@pytest.mark.parametrize('kind, fault', [
    ('kill-conductor', _kill_and_restart('conductor')),
    ('kill-scheduler', _kill_and_restart('scheduler1')),
    ('kill-compute', _kill_and_restart('compute1')),
    ('restart-broker', restarting('rabbit', 0)),
    ('restart-database', restarting('mariadb', 3)),
    ('delete-during-build', _delete_during_build),
])
def test_a_fault_during_a_boot_burst_leaves_nothing_stuck_lost_or_phantom(cloud, kind, fault):
    run_trial(cloud, kind, fault)


@pytest.mark.serial
def test_daemons_started_before_their_peers_wait_for_them_and_then_serve(cloud):
    # The conductor and compute1 go down, and the database with them; then
    # they come back in the wrong order: compute first, then the conductor,
    # then the database.
    seen = {name: len(cloud.log(name)) for name in ('conductor', 'compute1')}

    def says(name, text):
        return text in cloud.log(name)[seen[name]:]

    cloud.kill('conductor')
    cloud.kill('compute1')
    cloud.mariadb.kill()
    cloud.restart('compute1')
    cloud.wait_for(lambda: says('compute1', 'is waiting for the conductor'),
                   'compute1 to say it waits for the conductor', timeout=60)
    cloud.restart('conductor')
    cloud.wait_for(lambda: says('conductor', 'Waiting for the database'),
                   'the conductor to say it waits for the database', timeout=60)
    cloud.mariadb.start()
    for name in ('conductor', 'compute1'):
        assert cloud.procs[name][0].poll() is None, f'{name} exited'
    cloud.wait_for(lambda: all(h['state'] == 'up'
                               for h in cloud.client.hypervisors.list(detailed=True)),
                   'both compute hosts up', timeout=90)
    server = cloud.client.servers.create('late-peers', cloud.image_id, '1', networks='none')
    cloud.wait_for(lambda: cloud.client.servers.get(server['id'])['status'] in
                   ('ACTIVE', 'ERROR'), 'the server built', timeout=90)
    built = cloud.client.servers.get(server['id'])
    assert built['status'] == 'ACTIVE', built.get('fault')
    _delete_all(cloud)
