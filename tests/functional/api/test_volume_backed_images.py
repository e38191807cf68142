"""createImage of a volume-backed server: what the API refuses and undoes.

The compute API reaches the Block Storage app in process through the real
Cinder client (the ``volume_api`` fixture); the storage host's snapshot
casts run its manager at once (``storage_host``), as novalite-volume would
on reading them.
"""

import pytest

from novalite import context
from novalite.db import block_device_mappings
from novalite.db import volume_snapshots as snapshot_db
from novalite.image import local as local_image
from novalite.volume import manager as volume_manager
from novalite.volume import rpcapi as volume_rpcapi
from tests.functional.api.conftest import make_instance
from tests.functional.api.test_volume_attachments import volume_api  # noqa: F401

CTX = context.RequestContext(user_id='demo', project_id='demo', auth_token='demo:demo')
MISSING = '3c0e5c9a-1111-4111-8111-111111111111'


@pytest.fixture(autouse=True)
def storage_host(monkeypatch, conf, db):
    manager = volume_manager.VolumeManager(conf.host)
    for method in ('create_snapshot', 'delete_snapshot'):
        monkeypatch.setattr(
            volume_rpcapi.VolumeAPI, method,
            lambda self, ctx, snapshot, method=method: getattr(manager, method)(
                ctx, snapshot['uuid']))
    return manager


@pytest.fixture
def volume_backed(volume_api, compute_host, conf):  # noqa: F811
    """A server with its boot volume (``/dev/vda``) and one more (``/dev/vdb``)."""
    server = make_instance()
    for index, device in enumerate(('/dev/vda', '/dev/vdb')):
        created = volume_api.create(CTX, 1, f'disk{index}')
        volume_manager.VolumeManager(conf.host).create_volume(CTX, created['id'])
        block_device_mappings.bdm_create(server['uuid'], {
            'source_type': 'volume', 'destination_type': 'volume', 'volume_id': created['id'],
            'boot_index': 0 if index == 0 else None, 'device_name': device})
    return server


def _create_image(api, server):
    return api.post(f"/servers/{server['uuid']}/action", {'createImage': {'name': 'snap'}},
                    version='2.45')


def test_each_volume_is_snapshotted_into_the_image_s_mapping(api, volume_backed, conf):
    resp = _create_image(api, volume_backed)
    assert resp.status_int == 202
    image = local_image.get_image_service(conf).show(resp.json['image_id'])
    assert image['status'] == 'active'
    assert len(snapshot_db.snapshot_get_all()) == 2


def test_over_the_snapshot_quota_is_403_and_takes_no_snapshot(api, volume_backed, conf):
    conf.set_override('quota_snapshots', 1, group='volume')
    resp = _create_image(api, volume_backed)
    assert resp.status_int == 403
    assert "Quota exceeded for resources: snapshots" in \
        resp.json_body_or_none['forbidden']['message']
    assert snapshot_db.snapshot_get_all() == []
    assert local_image.get_image_service(conf).list() == []


def test_a_volume_that_cannot_be_snapshotted_undoes_the_others_and_makes_no_image(
        api, volume_backed, conf):
    block_device_mappings.bdm_create(volume_backed['uuid'], {
        'source_type': 'volume', 'destination_type': 'volume', 'volume_id': MISSING,
        'device_name': '/dev/vdc'})
    assert _create_image(api, volume_backed).status_int >= 400
    assert snapshot_db.snapshot_get_all() == []
    assert local_image.get_image_service(conf).list() == []


def test_a_busy_server_is_a_conflict_and_takes_no_snapshot(api, volume_backed):
    from novalite.db import instances
    instances.instance_update(volume_backed['uuid'], {'task_state': 'rebooting'})
    resp = _create_image(api, volume_backed)
    assert resp.status_int == 409
    assert snapshot_db.snapshot_get_all() == []
