"""createImage of a volume-backed server: what the API refuses and undoes.

The compute API reaches the Block Storage app in process through the real
Cinder client (the ``volume_api`` fixture); the storage host's snapshot
casts run its manager at once (``storage_host``), as novalite-volume would
on reading them. The compute host's quiesce and unquiesce are recorded
(``guest``): whether the guest could be quiesced is the test's to say.
"""

import pytest

from novalite import context, exception
from novalite.compute import rpcapi as compute_rpcapi
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


@pytest.fixture(autouse=True)
def guest(monkeypatch):
    """``guest.calls``: what the host was asked; ``guest.refuse``: its quiesce's error."""
    class Guest:
        calls, refuse = [], None

    def quiesce(self, ctx, instance):
        Guest.calls.append(('quiesce', None))
        if Guest.refuse:
            raise Guest.refuse

    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'quiesce_instance', quiesce)
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'unquiesce_instance',
                        lambda self, ctx, instance, mapping=None: Guest.calls.append(
                            ('unquiesce', mapping)))
    Guest.calls = []
    return Guest


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


def test_each_volume_is_snapshotted_into_the_image_s_mapping_the_guest_quiesced(
        api, volume_backed, conf, guest):
    resp = _create_image(api, volume_backed)
    assert resp.status_int == 202
    image = local_image.get_image_service(conf).show(resp.json['image_id'])
    assert image['status'] == 'active'
    assert len(snapshot_db.snapshot_get_all()) == 2
    # Thawed with the mapping: the host waits for those snapshots first.
    [(first, _none), (second, mapping)] = guest.calls
    assert (first, second) == ('quiesce', 'unquiesce')
    assert {m['snapshot_id'] for m in mapping} == {s['uuid'] for s in
                                                    snapshot_db.snapshot_get_all()}


def test_a_guest_that_cannot_be_quiesced_is_snapshotted_anyway(api, volume_backed, guest):
    guest.refuse = exception.QemuGuestAgentNotEnabled()
    assert _create_image(api, volume_backed).status_int == 202
    assert guest.calls == [('quiesce', None)]
    assert len(snapshot_db.snapshot_get_all()) == 2


def test_an_image_that_requires_quiescing_refuses_a_guest_that_cannot(api, volume_backed,
                                                                      guest, conf):
    from novalite.db import instances
    instances.instance_update(volume_backed['uuid'], {'system_metadata': {
        'image_os_require_quiesce': 'yes'}})
    guest.refuse = exception.QemuGuestAgentNotEnabled()
    resp = _create_image(api, volume_backed)
    assert resp.status_int == 400
    assert 'QEMU guest agent is not enabled' in resp.json_body_or_none['badRequest']['message']
    assert snapshot_db.snapshot_get_all() == []
    assert local_image.get_image_service(conf).list() == []


def test_over_the_snapshot_quota_is_403_and_takes_no_snapshot(api, volume_backed, conf):
    conf.set_override('quota_snapshots', 1, group='volume')
    resp = _create_image(api, volume_backed)
    assert resp.status_int == 403
    assert "Quota exceeded for resources: snapshots" in \
        resp.json_body_or_none['forbidden']['message']
    assert snapshot_db.snapshot_get_all() == []
    assert local_image.get_image_service(conf).list() == []


def test_a_volume_that_cannot_be_snapshotted_undoes_the_others_and_makes_no_image(
        api, volume_backed, conf, guest):
    block_device_mappings.bdm_create(volume_backed['uuid'], {
        'source_type': 'volume', 'destination_type': 'volume', 'volume_id': MISSING,
        'device_name': '/dev/vdc'})
    assert _create_image(api, volume_backed).status_int >= 400
    assert snapshot_db.snapshot_get_all() == []
    assert local_image.get_image_service(conf).list() == []
    assert guest.calls == [('quiesce', None), ('unquiesce', None)]


def test_a_busy_server_is_a_conflict_and_takes_no_snapshot(api, volume_backed):
    from novalite.db import instances
    instances.instance_update(volume_backed['uuid'], {'task_state': 'rebooting'})
    resp = _create_image(api, volume_backed)
    assert resp.status_int == 409
    assert snapshot_db.snapshot_get_all() == []
