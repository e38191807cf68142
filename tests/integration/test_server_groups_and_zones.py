"""Server groups and aggregate zones across real daemons on MariaDB.

Two schedulers race for the members of an anti-affinity group booted by
concurrent requests: each lands on its own host, and one more than there are
hosts goes to ERROR. A server asking for an aggregate's zone lands on that
aggregate's host and shows the zone.
"""

import concurrent.futures

import pytest

from tests.integration.cloud import Cloud
from tests.integration.conftest import make_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('groups')
    url, drop = make_database('mariadb', workdir)
    cloud = Cloud(workdir, url, computes=3, schedulers=2).start()
    cloud.client.flavors.create(name='small', ram=512, vcpus=1, disk=1, id='1')
    cloud.image_id = cloud.create_image()
    yield cloud
    cloud.stop()
    drop()


def _boot(cloud, name, hints=None, **server):
    body = {'server': dict({'name': name, 'imageRef': cloud.image_id, 'flavorRef': '1',
                            'networks': 'none'}, **server)}
    if hints:
        body['os:scheduler_hints'] = hints
    return cloud.client.post('/servers', body)['server']['id']


def _server(cloud, server_id):
    return cloud.client.get(f'/servers/{server_id}')['server']


def _settled(cloud, ids):
    cloud.wait_for(lambda: all(_server(cloud, i)['status'] in ('ACTIVE', 'ERROR')
                               for i in ids), 'servers to settle', timeout=180)
    return [_server(cloud, i) for i in ids]


def test_racing_boots_into_an_anti_affinity_group_never_share_a_host(cloud):
    group = cloud.client.post('/os-server-groups', {'server_group': {
        'name': 'spread', 'policies': ['anti-affinity']}})['server_group']
    hints = {'group': group['id']}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(lambda n: _boot(cloud, f'member-{n}', hints), range(4)))
    servers = _settled(cloud, ids)
    active = [s for s in servers if s['status'] == 'ACTIVE']
    assert len(active) == 3
    assert len({s['OS-EXT-SRV-ATTR:host'] for s in active}) == 3
    [failed] = [s for s in servers if s['status'] == 'ERROR']
    assert 'No valid host' in failed['fault']['message']
    members = cloud.client.get(f"/os-server-groups/{group['id']}")['server_group']['members']
    assert sorted(members) == sorted(ids)
    for server_id in ids:
        cloud.client.delete(f'/servers/{server_id}')
    cloud.wait_for(lambda: not cloud.client.get(
        f"/os-server-groups/{group['id']}")['server_group']['members'], 'members gone')


def test_boot_into_an_aggregates_zone_lands_on_its_host(cloud):
    aggregate = cloud.client.post('/os-aggregates', {'aggregate': {
        'name': 'zone-one', 'availability_zone': 'az1'}})['aggregate']
    cloud.client.post(f"/os-aggregates/{aggregate['id']}/action",
                      {'add_host': {'host': 'compute2'}})
    zones = {zone['zoneName'] for zone in cloud.client.get(
        '/os-availability-zone')['availabilityZoneInfo']}
    assert 'az1' in zones
    ids = [_boot(cloud, f'zoned-{n}', availability_zone='az1') for n in range(2)]
    for server in _settled(cloud, ids):
        assert server['status'] == 'ACTIVE'
        assert server['OS-EXT-SRV-ATTR:host'] == 'compute2'
        assert server['OS-EXT-AZ:availability_zone'] == 'az1'
