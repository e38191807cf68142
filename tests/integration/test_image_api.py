"""Upload to novalite-image-api, then boot from it, through real daemons.

The API resolves the image with the user's token and the compute host with
its own ``[glance]`` credentials, both over HTTP to the image API daemon: no
service reads the image directory but the image API.
"""

import hashlib
import os

import pytest
import requests

from novalite.cli import client as novalite_client
from tests.integration.cloud import Cloud, free_port

pytestmark = pytest.mark.integration

DATA = os.urandom(256 * 1024)
USER = {'X-Auth-Token': 'demo:demo'}


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp('image-cloud')
    sqlite_url = f'sqlite:///{tmp_path}/novalite.sqlite'
    port = free_port()
    url = f'http://127.0.0.1:{port}'
    glance = {'api_servers': url, 'auth_type': 'admin_token', 'token': 'admin:admin',
              'endpoint': url}
    image = {'listen': '127.0.0.1', 'port': port}
    cloud = Cloud(tmp_path, sqlite_url, computes=1,
                  options={'glance': glance, 'image': image}).start()
    cloud.spawn('image-api', 'novalite-image-api', os.path.join(cloud.workdir,
                                                                'controller.conf'))
    cloud.image_url = url
    cloud.wait_for(lambda: requests.get(url + '/versions', timeout=5).ok,
                   'the image API to answer')
    cloud.client.flavors.create(name='small', ram=512, vcpus=1, disk=1, id='1')
    yield cloud
    cloud.stop()


def _upload(cloud, name):
    created = requests.post(cloud.image_url + '/v2/images', headers=USER, timeout=10, json={
        'name': name, 'disk_format': 'raw', 'container_format': 'bare'})
    assert created.status_code == 201, created.text
    image_id = created.json()['id']
    uploaded = requests.put(f'{cloud.image_url}/v2/images/{image_id}/file', data=iter([DATA]),
                            headers=dict(USER, **{'Content-Type': 'application/octet-stream'}),
                            timeout=30)
    assert uploaded.status_code == 204, uploaded.text
    return image_id


def test_an_uploaded_image_found_by_name_boots_a_server(cloud):
    image_id = _upload(cloud, 'uploaded')
    shown = requests.get(f'{cloud.image_url}/v2/images/{image_id}', headers=USER,
                         timeout=10).json()
    assert shown['os_hash_value'] == hashlib.sha512(DATA).hexdigest()
    found = cloud.client.images.list(name='uploaded')
    assert [image['id'] for image in found] == [image_id]

    server = cloud.client.servers.create('web', image_id, '1', networks='none')
    [active] = cloud.wait_for_servers()

    assert (active['id'], active['status']) == (server['id'], 'ACTIVE')
    assert active['image']['id'] == image_id
    assert f'GET /v2/images/{image_id} status: 200' in cloud.log('image-api')


def test_another_projects_private_image_cannot_be_booted(cloud):
    image_id = _upload(cloud, 'private')
    requests.patch(f'{cloud.image_url}/v2/images/{image_id}', timeout=10, json=[
        {'op': 'replace', 'path': '/visibility', 'value': 'private'}],
        headers=dict(USER, **{'Content-Type': 'application/openstack-images-v2.1-json-patch'}))
    other = novalite_client.Client(cloud.client.endpoint, token='other:other', timeout=30)
    with pytest.raises(novalite_client.ClientError, match='Can not find requested image'):
        other.servers.create('web', image_id, '1', networks='none')
