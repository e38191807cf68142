"""Quota enforcement under concurrency: two API processes on MariaDB and RabbitMQ.

Twenty-four creates (single, and multi-creates that may shrink or must fit
whole) race against an instances quota of 7 through two ``novalite-api``
processes at once: the project ends with exactly 7 servers, every refusal is
Nova's 403, and no response promised a server that does not exist.
"""

import concurrent.futures
import os
import re
import threading

import pytest
import requests

from tests.integration.cloud import Cloud, free_port

pytestmark = pytest.mark.integration

QUOTA = 7
_REQUESTS = [
    {'min_count': 1, 'max_count': 1}, {'min_count': 1, 'max_count': 3},
    {'min_count': 2, 'max_count': 2}, {'min_count': 1, 'max_count': 1},
] * 6


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    from tests.integration.conftest import make_database
    workdir = tmp_path_factory.mktemp('quota-race')
    url, drop = make_database('mariadb', workdir)
    cloud = Cloud(workdir, url, computes=1).start()
    cloud.client.flavors.create(name='tiny', ram=64, vcpus=1, disk=1, id='1')
    cloud.image_id = cloud.create_image()
    cloud.second_port = _second_api(cloud)
    yield cloud
    cloud.stop()
    drop()


def _second_api(cloud):
    """Another API process on the same database and broker, on its own port."""
    controller = os.path.join(cloud.workdir, 'controller.conf')
    port = free_port()
    with open(controller) as f:
        text = re.sub(r'^port = \d+$', f'port = {port}', f.read(), flags=re.M)
    conf = os.path.join(cloud.workdir, 'api2.conf')
    with open(conf, 'w') as f:
        f.write(text)
    cloud.spawn('api2', 'novalite-api', conf)
    cloud.wait_for(lambda: requests.get(f'http://127.0.0.1:{port}/', timeout=5).ok,
                   'the second API to answer')
    return port


def _url(port, path):
    return f'http://127.0.0.1:{port}/v2.1{path}'


def _call(method, port, path, token='demo:demo', body=None):
    # 2.37: networks 'none' (no addresses to hand out in this race).
    return requests.request(method, _url(port, path), json=body, timeout=120,
                            headers={'X-Auth-Token': token,
                                     'OpenStack-API-Version': 'compute 2.37'})


def _create(cloud, index, counts):
    port = cloud.port if index % 2 else cloud.second_port
    body = {'server': dict(name=f'race-{index}', imageRef=cloud.image_id, flavorRef='1',
                           networks='none', return_reservation_id=True, **counts)}
    return counts, _call('POST', port, '/servers', body=body)


def test_racing_creates_through_two_api_processes_stop_exactly_at_the_quota(cloud):
    assert _call('PUT', cloud.port, '/os-quota-sets/demo', token='admin:admin',
                 body={'quota_set': {'instances': QUOTA}}).status_code == 200
    with concurrent.futures.ThreadPoolExecutor(len(_REQUESTS)) as pool:
        results = list(pool.map(lambda item: _create(cloud, *item), enumerate(_REQUESTS)))

    accepted = [(counts, resp) for counts, resp in results if resp.status_code == 202]
    refused = [resp for _counts, resp in results if resp.status_code != 202]
    assert {resp.status_code for resp in refused} == {403}, [r.text for r in refused]
    assert all(resp.json()['forbidden']['message'].startswith('Quota exceeded for instances')
               for resp in refused)

    servers = _call('GET', cloud.port, '/servers?limit=1000').json()['servers']
    assert len(servers) == QUOTA
    # Each accepted request made between its min_count and max_count servers.
    for counts, resp in accepted:
        reservation = resp.json()['reservation_id']
        made = _call('GET', cloud.port, f'/servers?reservation_id={reservation}').json()
        assert counts['min_count'] <= len(made['servers']) <= counts['max_count']
    usage = _call('GET', cloud.port, '/limits').json()['limits']['absolute']
    assert usage['totalInstancesUsed'] == QUOTA


@pytest.mark.parametrize('kind', ['mariadb', 'postgresql'])
def test_reservations_racing_from_many_connections_never_exceed_the_quota(conf, tmp_path,
                                                                           kind):
    """Sixteen creates released at once by a barrier, each on its own connection."""
    from novalite import exception, quota
    from novalite.db import engine, migration
    from novalite.db import quotas as db_quotas
    from tests.integration.conftest import make_database

    url, drop = make_database(kind, tmp_path)
    try:
        engine.configure(url)
        migration.db_sync()
        db_quotas.set_limits({'instances': 10}, project_id='race')
        context = type('Context', (), {'project_id': 'race', 'user_id': 'u'})()
        barrier = threading.Barrier(16)

        def reserve(_index):
            barrier.wait()
            try:
                return quota.check_and_reserve(context, {'vcpus': 1, 'memory_mb': 64},
                                               1, 3).count
            except exception.TooManyInstances:
                return 0
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            granted = list(pool.map(reserve, range(16)))
        assert sum(granted) == 10
        assert quota.get_usages('race')['instances'] == 10
    finally:
        engine.configure('sqlite://')
        drop()
