"""Image pre-caching across real daemons on RabbitMQ and MariaDB: the API casts to the
conductor, the conductor calls each compute host of the aggregate that is up, and
each host's fake driver records the image in its own state directory. A host
forced down is skipped, a host outside the aggregate is not asked, and a second
request finds the image there already."""

import os

import pytest

from tests.integration.cloud import Cloud
from tests.integration.conftest import make_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('precache')
    url, drop = make_database('mariadb', workdir)
    cloud = Cloud(workdir, url, computes=3,
                  options={'image_cache': {'precache_concurrency': 2}}).start()
    cloud.image_id = cloud.create_image()
    yield cloud
    cloud.stop()
    drop()


def _cached(cloud, host):
    directory = os.path.join(cloud.workdir, host, f'fake-{host}', 'image_cache')
    return sorted(os.listdir(directory)) if os.path.isdir(directory) else []


def _force_down(cloud, host, down):
    [service] = cloud.client.get(f'/os-services?binary=nova-compute&host={host}',
                                 microversion='2.53')['services']
    cloud.client.put(f"/os-services/{service['id']}", {'forced_down': down},
                     microversion='2.53')


def _outcome(cloud, aggregate_id):
    """The conductor's summary lines of the requests for ``aggregate_id``."""
    marker = f'of aggregate {aggregate_id}: '
    return [line[line.index(marker) + len(marker):].strip()
            for line in cloud.log('conductor').splitlines() if marker in line]


def test_the_hosts_of_the_aggregate_that_are_up_cache_the_image_once(cloud):
    aggregate = cloud.client.aggregates.create('warm')
    for host in ('compute1', 'compute3'):
        cloud.client.aggregates.add_host(aggregate['id'], host)
    body = {'cache': [{'id': cloud.image_id}]}
    path = f"/os-aggregates/{aggregate['id']}/images"
    _force_down(cloud, 'compute3', True)
    try:
        cloud.client.post(path, body, microversion='2.81')
        cloud.wait_for(lambda: _outcome(cloud, aggregate['id']), 'the first request done')
    finally:
        _force_down(cloud, 'compute3', False)
    assert _outcome(cloud, aggregate['id']) == ["{'cached': 1, 'skipped': 1}"]
    assert (_cached(cloud, 'compute1'), _cached(cloud, 'compute2'),
            _cached(cloud, 'compute3')) == ([cloud.image_id], [], [])

    cloud.client.post(path, body, microversion='2.81')
    cloud.wait_for(lambda: len(_outcome(cloud, aggregate['id'])) == 2, 'the second request')
    assert _outcome(cloud, aggregate['id'])[1] == "{'cached': 1, 'existing': 1}"
    assert _cached(cloud, 'compute3') == [cloud.image_id]
