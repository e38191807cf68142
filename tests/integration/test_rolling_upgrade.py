"""A rolling upgrade: a newer conductor serving computes and controllers capped older.

One cloud of real daemons on RabbitMQ: the API, conductor and scheduler are
capped at ``[upgrade_levels] compute = 1.0`` and ``scheduler = 1.0`` (plain
dicts, as before versioned objects), ``compute1`` at ``conductor = 1.0`` as
a compute not yet upgraded would speak, ``compute2`` uncapped. Servers on
either host still build, stop and delete.
"""

import pytest

from tests.integration.cloud import Cloud

pytestmark = pytest.mark.integration

OLD = '1.0'


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('rolling')
    cloud = Cloud(workdir, f'sqlite:///{workdir}/novalite.sqlite', computes=2,
                  options={'upgrade_levels': {'compute': OLD, 'scheduler': OLD}},
                  compute_options={'compute1': {'upgrade_levels': {'conductor': OLD}}}).start()
    cloud.client.flavors.create(name='small', ram=512, vcpus=1, disk=1, id='1')
    cloud.image_id = cloud.create_image()
    yield cloud
    cloud.stop()


def _status(cloud, server_id):
    return cloud.client.servers.get(server_id)['status']


@pytest.mark.parametrize('host', ['compute1', 'compute2'])
def test_a_server_builds_stops_and_deletes_across_versions(cloud, host):
    server = cloud.client.servers.create(f'rolling-{host}', cloud.image_id, '1',
                                         availability_zone=f'nova:{host}', networks='none')
    cloud.wait_for(lambda: _status(cloud, server['id']) in ('ACTIVE', 'ERROR'), 'the build')
    shown = cloud.client.servers.get(server['id'])
    assert (shown['status'], shown['OS-EXT-SRV-ATTR:host']) == ('ACTIVE', host)

    cloud.client.servers.stop(server['id'])
    cloud.wait_for(lambda: _status(cloud, server['id']) == 'SHUTOFF', 'the stop')

    cloud.client.servers.delete(server['id'])
    cloud.wait_for(lambda: server['id'] not in
                   {s['id'] for s in cloud.client.servers.list(all_tenants=True)}, 'the delete')
    assert 'RPC version' not in cloud.log(host) + cloud.log('conductor')
