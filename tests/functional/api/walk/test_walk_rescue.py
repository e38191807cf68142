"""Microversion steps of rescue and lock: 2.73 (lock reason), 2.87 (volume-backed rescue)."""

from unittest import mock

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from novalite.image import local as local_image
from tests.functional.api.conftest import make_instance


@pytest.fixture
def casts():
    with mock.patch.object(compute_rpcapi.ComputeAPI, 'rescue_instance') as rescue:
        yield rescue


@pytest.fixture
def stable_rescue_image(conf, tmp_path):
    source = tmp_path / 'rescue.img'
    source.write_bytes(b'\0' * 1024)
    return local_image.get_image_service(conf).create(
        'rescue', str(source), disk_format='raw',
        properties={'hw_rescue_device': 'disk', 'hw_rescue_bus': 'virtio'})


def _rescue(client, server, **options):
    return client.post(f"/servers/{server['uuid']}/action", {'rescue': options or None})


@pytest.mark.parametrize('version, shown', [('2.72', False), ('2.73', True)])
def test_273_locked_reason_in_the_server(api, db, beyond_max, version, shown):
    server = make_instance()
    api.at('2.73').post(f"/servers/{server['uuid']}/action",
                        {'lock': {'locked_reason': 'audit'}})
    body = api.at(version).get(f"/servers/{server['uuid']}").json['server']
    assert ('locked_reason' in body) is shown
    if shown:
        assert body['locked_reason'] == 'audit'


def test_273_lock_body_is_validated_from_273_only(api, db, beyond_max):
    server = make_instance()
    body = {'lock': {'locked_reason': 'x' * 300}}
    assert api.at('2.73').post(f"/servers/{server['uuid']}/action", body).status_int == 400
    assert api.at('2.72').post(f"/servers/{server['uuid']}/action", body).status_int == 202


@pytest.mark.parametrize('version, status', [('2.86', 400), ('2.87', 200)])
def test_287_a_volume_backed_server_is_rescued_with_a_stable_device_image(
        api, db, beyond_max, casts, stable_rescue_image, version, status):
    server = make_instance(image_ref='')
    resp = _rescue(api.at(version), server, rescue_image_ref=stable_rescue_image['id'])
    assert resp.status_int == status
    assert casts.called is (status == 200)


def test_287_a_volume_backed_server_needs_both_rescue_properties(api, db, beyond_max, casts,
                                                                image):
    server = make_instance(image_ref='')
    resp = _rescue(api.at('2.87'), server, rescue_image_ref=image['id'])
    assert resp.status_int == 400
    assert 'Cannot rescue a volume-backed instance' in resp.json['badRequest']['message']
