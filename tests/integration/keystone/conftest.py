"""One Keystone and one novalite cloud behind it for every test of this package.

Keystone (see :mod:`tests.integration.keystone.server`) gets two projects and
a user per persona; novalite runs as separate daemons on RabbitMQ and
MariaDB with ``[api] auth_strategy = keystone``, and is registered in the
catalog with ``novalite-manage keystone-register``, as an operator would,
``novalite-image-api`` (same auth) as its ``image`` service and novalite-volume
(fake volume driver) as its ``block-storage`` and ``volumev3`` services.
"""

import os
import subprocess

import pytest
import requests

from novalite.cli import client as novalite_client
from tests.integration.cloud import BIN, Cloud, free_port
from tests.integration.conftest import make_database
from tests.integration.keystone import server

SERVICE_PASSWORD = 'novalite-secret'
# user -> (project, role); Keystone's implied roles give each the roles below.
PERSONAS = {
    'alpha-manager': ('alpha', 'manager'),
    'alpha-member': ('alpha', 'member'),
    'alpha-reader': ('alpha', 'reader'),
    'beta-member': ('beta', 'member'),
}
SMALL = {'name': 'small', 'ram': 64, 'vcpus': 1, 'disk': 1, 'id': '1'}


@pytest.fixture(scope='session')
def keystone(tmp_path_factory):
    ks = server.Keystone(tmp_path_factory.mktemp('keystone')).start()
    for user, (project, role) in PERSONAS.items():
        ks.user(user, project, role)
    ks.service_user('novalite', SERVICE_PASSWORD)
    yield ks
    ks.stop()


def os_environ(keystone, user, project):
    """The ``OS_*`` variables the ``openstack`` client reads, for ``user`` on ``project``."""
    password = server.ADMIN_PASSWORD if user == 'admin' else server.PASSWORD
    env = {key: value for key, value in os.environ.items() if not key.startswith('OS_')}
    env.update({'OS_AUTH_URL': keystone.url, 'OS_AUTH_TYPE': 'password',
                'OS_USERNAME': user, 'OS_PASSWORD': password, 'OS_PROJECT_NAME': project,
                'OS_USER_DOMAIN_ID': 'default', 'OS_PROJECT_DOMAIN_ID': 'default',
                'OS_REGION_NAME': server.REGION, 'OS_IDENTITY_API_VERSION': '3'})
    return env


@pytest.fixture(scope='session')
def keystone_cloud(keystone, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('cloud')
    db_url, drop = make_database('mariadb', workdir)
    image_port, volume_port = free_port(), free_port()
    cloud = Cloud(workdir, db_url, computes=1, options={
        'api': {'auth_strategy': 'keystone'},
        'image': {'listen': '127.0.0.1', 'port': image_port},
        'keystone_authtoken': keystone.authtoken_options('novalite', SERVICE_PASSWORD),
        'volume': {'port': volume_port, 'volume_driver': 'fake'},
        'cinder': {'endpoint_template': f'http://127.0.0.1:{volume_port}/v3/%(project_id)s'}})
    cloud.client = novalite_client.Client(cloud.client.endpoint, timeout=60,
                                          token=keystone.token('admin', 'admin'))
    try:
        cloud.start()
        cloud.spawn('image-api', 'novalite-image-api', os.path.join(workdir, 'controller.conf'))
        cloud.image_url = f'http://127.0.0.1:{image_port}'
        cloud.wait_for(lambda: requests.get(cloud.image_url + '/versions', timeout=5).ok,
                       'the image API to answer')
        cloud.spawn('volume', 'novalite-volume', os.path.join(workdir, 'controller.conf'))
        cloud.volume_url = f'http://127.0.0.1:{volume_port}/v3'
        cloud.wait_for(lambda: requests.get(cloud.volume_url, timeout=5).ok,
                       'novalite-volume to answer')
        subprocess.run(
            [os.path.join(BIN, 'novalite-manage'), 'keystone-register',
             '--public-url', f'http://127.0.0.1:{cloud.port}/v2.1',
             '--image-url', cloud.image_url, '--volume-public-url', cloud.volume_url],
            env=os_environ(keystone, 'admin', 'admin'), check=True, capture_output=True)
        cloud.client.flavors.create(**SMALL)
        cloud.image_id = cloud.create_image()
        yield cloud
    finally:
        cloud.stop()
        drop()
