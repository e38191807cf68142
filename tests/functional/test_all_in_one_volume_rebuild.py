"""Rebuilding a server booted from a volume, through the all-in-one (fake drivers).

Below 2.93, as in Nova: only with the image its boot volume was made from;
the guest is recreated over the same volume (connected again from the
host), which stays the server's, and another image is refused. From 2.93
the image is written over the boot volume (novalite-volume's ``os-reimage``),
through the API, the openstack CLI and novalite's own.
"""

import os
import subprocess

import requests

from tests.functional import test_all_in_one_volume_snapshots as snapshots_aio
from tests.functional.test_all_in_one_volume_snapshots import BIN, USER, _boot_from_volume
from tests.integration.cloud import Cloud

# The same all-in-one (compute, volume and image endpoints).
aio = snapshots_aio.aio


def _server(aio, server_id):
    return aio.get(f'{aio.compute}/servers/{server_id}').json()['server']


def _volume(aio, volume_id):
    return requests.get(f'{aio.volume}/volumes/{volume_id}', headers=USER).json()['volume']


def _rebuild(aio, server_id, image_id, version):
    return requests.post(f'{aio.compute}/servers/{server_id}/action',
                         headers=dict(USER, **{'OpenStack-API-Version': f'compute {version}'}),
                         json={'rebuild': {'imageRef': image_id, 'name': 'rebuilt'}})


def _events(aio, server_id, action):
    """``(event, result)`` of the action's events, once each has ended: the host
    casts an event's end after the server's last state change."""
    actions = aio.get(f'{aio.compute}/servers/{server_id}/os-instance-actions').json()
    [request_id] = [a['request_id'] for a in actions['instanceActions']
                    if a['action'] == action]

    def events():
        found = aio.get(f'{aio.compute}/servers/{server_id}/os-instance-actions/{request_id}',
                        version='2.51').json()['instanceAction']['events']
        return [(e['event'], e['result']) for e in found]
    Cloud.wait_for(lambda: all(result for _event, result in events()), 'the events to end')
    return events()


def test_rebuild_of_a_volume_backed_server_with_its_image_recreates_it_on_the_same_volume(aio):
    server = _boot_from_volume(aio)
    [attached] = server['os-extended-volumes:volumes_attached']
    resp = _rebuild(aio, server['id'], aio.image_id, '2.92')
    assert resp.status_code == 202, resp.text
    assert resp.json()['server']['image'] == ''
    Cloud.wait_for(lambda: _server(aio, server['id'])['status'] == 'ACTIVE'
                   and _server(aio, server['id'])['OS-EXT-STS:task_state'] is None,
                   'the rebuild to end')
    rebuilt = _server(aio, server['id'])
    assert (rebuilt['name'], rebuilt['image']) == ('rebuilt', '')
    assert rebuilt['os-extended-volumes:volumes_attached'] == [attached]
    volume = _volume(aio, attached['id'])
    assert volume['status'] == 'in-use'
    assert volume['volume_image_metadata']['image_id'] == aio.image_id
    assert [(a['server_id'], a['device']) for a in volume['attachments']] == \
        [(server['id'], '/dev/vda')]
    assert _events(aio, server['id'], 'rebuild') == [('compute_rebuild_instance', 'Success')]


def test_rebuild_of_a_volume_backed_server_with_another_image_is_refused_before_2_93(aio):
    server = _boot_from_volume(aio)
    other = requests.post(f'{aio.image}/v2/images', headers=USER, json={
        'name': 'other', 'disk_format': 'raw', 'container_format': 'bare'}).json()
    requests.put(f"{aio.image}/v2/images/{other['id']}/file", data=b'other',
                 headers=dict(USER, **{'Content-Type': 'application/octet-stream'})
                 ).raise_for_status()
    resp = _rebuild(aio, server['id'], other['id'], '2.92')
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        f"Image {other['id']} is unacceptable: Unable to rebuild with a different image "
        f"for a volume-backed server.")
    after = _server(aio, server['id'])
    assert (after['status'], after['name']) == ('ACTIVE', 'bfv')


def _new_image(aio, name):
    image = requests.post(f'{aio.image}/v2/images', headers=USER, json={
        'name': name, 'disk_format': 'raw', 'container_format': 'bare'}).json()
    requests.put(f"{aio.image}/v2/images/{image['id']}/file", data=name.encode(),
                 headers=dict(USER, **{'Content-Type': 'application/octet-stream'})
                 ).raise_for_status()
    return image['id']


def test_from_2_93_the_new_image_is_written_over_the_boot_volume(aio):
    server = _boot_from_volume(aio)
    [attached] = server['os-extended-volumes:volumes_attached']
    other = _new_image(aio, 'second')
    resp = _rebuild(aio, server['id'], other, '2.93')
    assert resp.status_code == 202, resp.text
    Cloud.wait_for(lambda: _server(aio, server['id'])['OS-EXT-STS:task_state'] is None,
                   'the rebuild to end')
    rebuilt = _server(aio, server['id'])
    assert (rebuilt['status'], rebuilt['image']) == ('ACTIVE', ''), rebuilt.get('fault')
    assert rebuilt['os-extended-volumes:volumes_attached'] == [attached]
    volume = _volume(aio, attached['id'])
    assert (volume['status'], volume['volume_image_metadata']['image_id']) == ('in-use', other)
    assert [(a['server_id'], a['device']) for a in volume['attachments']] == \
        [(server['id'], '/dev/vda')]
    assert _events(aio, server['id'], 'rebuild') == [('compute_rebuild_instance', 'Success')]


def test_openstack_cli_rebuilds_a_volume_backed_server_onto_a_new_image(aio):
    server = _boot_from_volume(aio)
    [attached] = server['os-extended-volumes:volumes_attached']
    other = _new_image(aio, 'third')
    env_version = aio.openstack('--os-compute-api-version', '2.93', 'server', 'rebuild',
                                '--image', other, '--reimage-boot-volume', '--wait',
                                server['id'], check=False)
    assert env_version.returncode == 0, env_version.stderr
    assert _volume(aio, attached['id'])['volume_image_metadata']['image_id'] == other
    assert _server(aio, server['id'])['status'] == 'ACTIVE'


def test_novalite_cli_rebuilds_a_volume_backed_server_onto_a_new_image(aio):
    server = _boot_from_volume(aio)
    [attached] = server['os-extended-volumes:volumes_attached']
    other = _new_image(aio, 'fourth')
    env = dict(os.environ, NOVALITE_URL=aio.compute, NOVALITE_TOKEN='demo:demo')
    refused = subprocess.run([os.path.join(BIN, 'novalite'), 'rebuild', server['id'], other],
                             env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and 'Unable to rebuild with a different image' in \
        refused.stderr
    done = subprocess.run([os.path.join(BIN, 'novalite'), 'rebuild', server['id'], other,
                           '--reimage-boot-volume', '--wait', '--poll-interval', '0.2'],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert 'ACTIVE' in done.stdout
    assert _volume(aio, attached['id'])['volume_image_metadata']['image_id'] == other
