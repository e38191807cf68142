"""Shelving a server booted from a volume, through the all-in-one (fake drivers).

As in Nova: no image is made, the server is offloaded at once and its boot
volume stays its own (``reserved``, no host's connection); unshelve
schedules it anew and attaches the volume from the chosen host.
"""

import requests

from tests.functional import test_all_in_one_volume_snapshots as snapshots_aio
from tests.functional.test_all_in_one_volume_snapshots import USER, _boot_from_volume
from tests.integration.cloud import Cloud

# The same all-in-one (compute, volume and image endpoints).
aio = snapshots_aio.aio


def _server(aio, server_id):
    return aio.get(f'{aio.compute}/servers/{server_id}').json()['server']


def _volume(aio, volume_id):
    return requests.get(f'{aio.volume}/volumes/{volume_id}', headers=USER).json()['volume']


def _action(aio, server_id, body):
    resp = requests.post(f'{aio.compute}/servers/{server_id}/action', headers=USER, json=body)
    assert resp.status_code == 202, resp.text


def _images(aio):
    return {i['id'] for i in requests.get(f'{aio.image}/v2/images', headers=USER)
            .json()['images']}


def test_shelve_offloads_a_volume_backed_server_and_unshelve_reattaches_its_volume(aio):
    server = _boot_from_volume(aio)
    [attached] = server['os-extended-volumes:volumes_attached']
    images_before = _images(aio)
    _action(aio, server['id'], {'shelve': None})
    Cloud.wait_for(lambda: _server(aio, server['id'])['status'] == 'SHELVED_OFFLOADED',
                   'the server to be offloaded')
    shelved = _server(aio, server['id'])
    assert shelved['OS-EXT-STS:task_state'] is None
    assert shelved['os-extended-volumes:volumes_attached'] == [attached]
    assert _images(aio) == images_before
    volume = _volume(aio, attached['id'])
    assert (volume['status'], volume['attachments']) == ('reserved', [])

    _action(aio, server['id'], {'unshelve': None})
    Cloud.wait_for(lambda: _server(aio, server['id'])['status'] == 'ACTIVE',
                   'the server to be back')
    volume = _volume(aio, attached['id'])
    assert volume['status'] == 'in-use'
    assert [(a['server_id'], a['device']) for a in volume['attachments']] == \
        [(server['id'], '/dev/vda')]
    actions = aio.get(f"{aio.compute}/servers/{server['id']}/os-instance-actions").json()
    assert [a['action'] for a in actions['instanceActions']][:2] == ['unshelve', 'shelve']


def test_openstack_cli_shelves_and_unshelves_a_volume_backed_server(aio):
    server = _boot_from_volume(aio)
    aio.openstack('server', 'shelve', '--wait', server['id'])
    assert _server(aio, server['id'])['status'] == 'SHELVED_OFFLOADED'
    aio.openstack('server', 'unshelve', '--wait', server['id'])
    assert _server(aio, server['id'])['status'] == 'ACTIVE'


def test_a_volume_attached_to_a_server_shelved_from_its_image_comes_back_with_it(aio):
    server = snapshots_aio._boot(aio, imageRef=aio.image_id)
    created = requests.post(f'{aio.volume}/volumes', headers=USER,
                            json={'volume': {'size': 1, 'name': 'data'}}).json()['volume']
    Cloud.wait_for(lambda: _volume(aio, created['id'])['status'] == 'available',
                   'the volume to be available')
    requests.post(f"{aio.compute}/servers/{server['id']}/os-volume_attachments", headers=USER,
                  json={'volumeAttachment': {'volumeId': created['id']}}).raise_for_status()
    Cloud.wait_for(lambda: _volume(aio, created['id'])['status'] == 'in-use',
                   'the volume to be in-use')
    _action(aio, server['id'], {'shelve': None})
    Cloud.wait_for(lambda: _server(aio, server['id'])['status'] == 'SHELVED_OFFLOADED',
                   'the server to be offloaded')
    assert _volume(aio, created['id'])['status'] == 'reserved'
    _action(aio, server['id'], {'unshelve': None})
    Cloud.wait_for(lambda: _server(aio, server['id'])['status'] == 'ACTIVE',
                   'the server to be back')
    volume = _volume(aio, created['id'])
    assert volume['status'] == 'in-use'
    assert [a['device'] for a in volume['attachments']] == ['/dev/vdb']
