"""Volume-backed servers through the whole stack: images of them, shelve and unshelve.

One cloud (the ``cloud`` of :mod:`tests.integration.libvirt.test_volume_stack`:
api, conductor, scheduler, novalite-volume with the tgt driver and a real
tgtd, one libvirt compute host) serves the module. Guests boot from iSCSI
volumes with QEMU's own initiator. The tiny guest marks a blank data volume
with its hostname and shows the mark it finds on one that has it, so what
one guest wrote is read back by a server booted from its image, and by
itself after an unshelve; the guest's line names the volume it reads and
the one the mark was written on.
"""

import pytest
import requests

from tests.integration.libvirt import test_volume_stack as volume_stack_tests

pytestmark = pytest.mark.integration

# The volume stack tests' cloud (its flavor and the guest's images registered).
cloud = volume_stack_tests.cloud
FLAVOR = volume_stack_tests.FLAVOR
serial = volume_stack_tests.serial
MARK = 'NOVALITE-VOLUME from bfv-one.novalocal'

ADMIN = {'X-Auth-Token': 'admin:admin', 'OpenStack-API-Version': 'compute 2.45'}


def _boot(cloud, name, **server):
    # The config drive names the guest: its mark says which server wrote it.
    resp = requests.post(f'{cloud.client.endpoint}/servers', headers=ADMIN, json={'server': dict(
        server, name=name, flavorRef=FLAVOR['id'], networks='none', config_drive=True)})
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    cloud.wait_for(lambda: _server(cloud, server_id)['status'] in ('ACTIVE', 'ERROR'),
                   f'{name} to be built', timeout=240)
    assert _server(cloud, server_id)['status'] == 'ACTIVE', _server(cloud, server_id)
    return server_id


def _server(cloud, server_id):
    return cloud.client.servers.get(server_id)


def _volumes(cloud, server_id):
    return [cloud.volume(attached['id'])
            for attached in _server(cloud, server_id)['os-extended-volumes:volumes_attached']]


def _data_volume(cloud, server_id):
    """The id of the server's volume at /dev/vdb."""
    attachments = cloud.client.get(f'/servers/{server_id}/os-volume_attachments')
    (found,) = [a['volumeId'] for a in attachments['volumeAttachments']
                if a['device'] == '/dev/vdb']
    return found


@pytest.fixture(scope='module')
def first(cloud):
    """A guest booted from a volume of the disk image, with a blank data volume it marks."""
    if cloud.images['disk'] is None:
        pytest.skip('no bootable disk image (syslinux missing)')
    server_id = _boot(cloud, 'bfv-one', block_device_mapping_v2=[
        {'source_type': 'image', 'destination_type': 'volume', 'uuid': cloud.images['disk'],
         'volume_size': 1, 'boot_index': 0, 'delete_on_termination': True},
        {'source_type': 'blank', 'destination_type': 'volume', 'volume_size': 1,
         'delete_on_termination': True}])
    cloud.wait_console(server_id, 'disk vdb wrote=NOVALITE-VOLUME from bfv-one', timeout=180)
    return server_id


def test_a_server_booted_from_the_image_of_a_volume_backed_one_reads_its_marker(cloud,
                                                                               first):
    resp = requests.post(f'{cloud.client.endpoint}/servers/{first}/action', headers=ADMIN,
                         json={'createImage': {'name': 'bfv-image'}})
    assert resp.status_code == 202, resp.text
    second = _boot(cloud, 'bfv-two', imageRef=resp.json()['image_id'])
    # Its own volume, a copy of the first's: the mark says it was written on that.
    written_on, copy = _data_volume(cloud, first), _data_volume(cloud, second)
    assert copy != written_on
    cloud.wait_console(second, f'disk vdb has={MARK} on={serial(written_on)} '
                               f'serial={serial(copy)}', timeout=180)
    assert [v['status'] for v in _volumes(cloud, second)] == ['in-use', 'in-use']
    assert all(v['snapshot_id'] for v in _volumes(cloud, second))


def test_shelve_frees_the_host_and_unshelve_boots_the_guest_from_its_volume_again(cloud,
                                                                                 first):
    requests.post(f'{cloud.client.endpoint}/servers/{first}/action', headers=ADMIN,
                  json={'shelve': None}).raise_for_status()
    cloud.wait_for(lambda: _server(cloud, first)['status'] == 'SHELVED_OFFLOADED',
                   'bfv-one to be offloaded', timeout=180)
    assert cloud.domain(first) is None
    assert [v['status'] for v in _volumes(cloud, first)] == ['reserved', 'reserved']
    requests.post(f'{cloud.client.endpoint}/servers/{first}/action', headers=ADMIN,
                  json={'unshelve': None}).raise_for_status()
    cloud.wait_for(lambda: _server(cloud, first)['status'] in ('ACTIVE', 'ERROR'),
                   'bfv-one to be back', timeout=240)
    assert _server(cloud, first)['status'] == 'ACTIVE'
    # A new guest: it boots from its volume and finds the mark it wrote before.
    data = serial(_data_volume(cloud, first))
    cloud.wait_console(first, f'disk vdb has={MARK} on={data} serial={data}', timeout=180)
    assert [v['status'] for v in _volumes(cloud, first)] == ['in-use', 'in-use']
