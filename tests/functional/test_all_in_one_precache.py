"""Image pre-caching (2.81) through the all-in-one: the API, the conductor and the
compute host talk as in a real cloud, and the fake driver records each image it
was asked to cache in ``$state_path/fake-aio/image_cache/``. The REST API, the
``openstack`` CLI (which looks images up in ``novalite-image-api``), novaclient's
and openstacksdk's Python APIs and novalite's CLI drive it; a refused request
caches nothing."""

import os
import subprocess
import sys

import openstack
import pytest
import requests
from keystoneauth1 import session, token_endpoint
from novaclient import client as nova_client

from novalite.cli import client as novalite_client
from tests.functional import all_in_one
from tests.integration.cloud import Cloud

BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope='module')
def aio(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('aio-precache')
    with all_in_one.running(workdir, image_api=True) as cloud:
        admin = novalite_client.Client(cloud.url + '/v2.1', token='admin:admin')
        aggregate = admin.aggregates.create('warm')
        admin.aggregates.add_host(aggregate['id'], 'aio')
        yield cloud, workdir, aggregate


def _cached(workdir):
    directory = workdir / 'fake-aio' / 'image_cache'
    return sorted(os.listdir(directory)) if directory.exists() else []


def _wait_cached(workdir, image_id):
    Cloud.wait_for(lambda: image_id in _cached(workdir), f'image {image_id} cached on aio')


def _post(cloud, aggregate_id, image_ids, token='admin:admin', version='2.81'):
    return requests.post(f'{cloud.url}/v2.1/os-aggregates/{aggregate_id}/images',
                         json={'cache': [{'id': image_id} for image_id in image_ids]},
                         headers={'X-Auth-Token': token,
                                  'OpenStack-API-Version': f'compute {version}'},
                         timeout=30)


def test_a_request_is_accepted_and_the_host_of_the_aggregate_caches_the_image(aio):
    cloud, workdir, aggregate = aio
    resp = _post(cloud, aggregate['id'], [cloud.image])
    assert resp.status_code == 202 and resp.content == b''
    _wait_cached(workdir, cloud.image)


def test_refused_requests_cache_nothing(aio):
    cloud, workdir, aggregate = aio
    refused = all_in_one.create_image(cloud.conf, 'refused')
    unknown = '0b1ec700-0000-4000-8000-000000000000'
    assert _post(cloud, aggregate['id'], [refused, refused]).status_code == 400
    assert _post(cloud, aggregate['id'], [refused, unknown]).status_code == 400
    assert _post(cloud, 4242, [refused]).status_code == 404
    assert _post(cloud, aggregate['id'], [refused], token='demo:demo').status_code == 403
    assert _post(cloud, aggregate['id'], [refused], version='2.80').status_code == 404
    # A request accepted after them is done once its image is: theirs would be too.
    marker = all_in_one.create_image(cloud.conf, 'marker')
    assert _post(cloud, aggregate['id'], [marker]).status_code == 202
    _wait_cached(workdir, marker)
    assert refused not in _cached(workdir)


def test_openstack_cli_caches_images_by_name(aio):
    cloud, workdir, _aggregate = aio
    image = all_in_one.create_image(cloud.conf, 'osc-warm')
    all_in_one.openstack_cli(cloud.url, 'admin:admin', 'aggregate', 'cache', 'image', 'warm',
                             'osc-warm', version='2.81', image_url=cloud.image_url)
    _wait_cached(workdir, image)


def test_novaclient_and_openstacksdk_cache_images(aio):
    cloud, workdir, aggregate = aio
    sess = session.Session(auth=token_endpoint.Token(cloud.url + '/v2.1', 'admin:admin'))
    nova_image = all_in_one.create_image(cloud.conf, 'nova-warm')
    nova_client.Client('2.81', session=sess).aggregates.cache_images(aggregate['id'],
                                                                     [nova_image])
    sdk_image = all_in_one.create_image(cloud.conf, 'sdk-warm')
    sdk = openstack.connection.Connection(session=sess, compute_api_version='2.81')
    sdk.compute.aggregate_precache_images(aggregate['id'], [sdk_image])
    _wait_cached(workdir, nova_image)
    _wait_cached(workdir, sdk_image)


def test_novalite_cli_caches_images_by_name_or_id(aio):
    cloud, workdir, aggregate = aio
    by_name = all_in_one.create_image(cloud.conf, 'cli-warm')
    by_id = all_in_one.create_image(cloud.conf, 'cli-warm-2')
    env = dict(os.environ, NOVALITE_URL=cloud.url + '/v2.1', NOVALITE_TOKEN='admin:admin')
    done = subprocess.run([os.path.join(BIN, 'novalite'), 'aggregate-cache-images', 'warm',
                           'cli-warm', by_id], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    _wait_cached(workdir, by_name)
    _wait_cached(workdir, by_id)


def test_novalite_cli_names_an_unknown_image_in_one_line(aio):
    cloud, _workdir, _aggregate = aio
    env = dict(os.environ, NOVALITE_URL=cloud.url + '/v2.1', NOVALITE_TOKEN='admin:admin')
    done = subprocess.run([os.path.join(BIN, 'novalite'), 'aggregate-cache-images', 'warm',
                           '0b1ec700-0000-4000-8000-000000000000'], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(
        'ERROR: Image 0b1ec700-0000-4000-8000-000000000000 could not be found. (HTTP 400)')
