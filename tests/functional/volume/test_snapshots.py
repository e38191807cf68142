"""Volume snapshots through the Block Storage API (Cinder's wire format), fake driver.

Casts land nowhere on ``fake:/``: each test runs the storage host's step
(``manager``) itself, as novalite-volume would on reading the cast.
"""

import pytest

from novalite import context
from tests.functional.volume.test_volume_lifecycle import SERVER


def _admin():
    return context.get_admin_context()


@pytest.fixture
def snapshot_of(vapi, manager):
    """Take a snapshot of a volume and run its copy: ``available``."""
    def take(volume_id, **values):
        resp = vapi.post('/snapshots', {'snapshot': dict(values, volume_id=volume_id)})
        assert resp.status_int == 202, resp.body
        snapshot_id = resp.json_body_or_none['snapshot']['id']
        manager.create_snapshot(_admin(), snapshot_id)
        return snapshot_id
    return take


def _snapshot(vapi, snapshot_id):
    return vapi.get(f'/snapshots/{snapshot_id}').json_body_or_none['snapshot']


def _volume(vapi, volume_id):
    return vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']


def test_a_snapshot_is_creating_then_available_with_cinder_s_view(vapi, available, manager):
    volume_id = available(size=2)
    resp = vapi.post('/snapshots', {'snapshot': {'volume_id': volume_id, 'name': 'snap',
                                                 'description': 'before the upgrade'}})
    assert resp.status_int == 202
    created = resp.json_body_or_none['snapshot']
    assert (created['status'], created['size'], created['volume_id']) == \
        ('creating', 2, volume_id)
    manager.create_snapshot(_admin(), created['id'])
    shown = _snapshot(vapi, created['id'])
    assert shown['status'] == 'available'
    assert shown['os-extended-snapshot-attributes:progress'] == '100%'
    assert shown['os-extended-snapshot-attributes:project_id'] == 'demo'
    assert (shown['name'], shown['description']) == ('snap', 'before the upgrade')


def test_snapshots_list_and_detail_filter_by_volume(vapi, available, snapshot_of):
    first, second = available(), available()
    taken = snapshot_of(first, name='a')
    snapshot_of(second, name='b')
    listed = vapi.get(f'/snapshots?volume_id={first}').json_body_or_none['snapshots']
    assert [s['id'] for s in listed] == [taken]
    detail = vapi.get('/snapshots/detail').json_body_or_none['snapshots']
    assert {s['name'] for s in detail} == {'a', 'b'}
    assert all('os-extended-snapshot-attributes:progress' in s for s in detail)


def test_an_in_use_volume_needs_force(vapi, available):
    volume_id = available()
    attachment = vapi.post('/attachments', {'attachment': {
        'volume_uuid': volume_id, 'instance_uuid': SERVER,
        'connector': {'host': 'h1', 'initiator': 'iqn.h1'}}}).json_body_or_none['attachment']
    vapi.post(f"/attachments/{attachment['id']}/action", {'os-complete': None})
    refused = vapi.post('/snapshots', {'snapshot': {'volume_id': volume_id}})
    assert refused.status_int == 400
    assert 'must be available, but current status is: in-use' in \
        refused.json_body_or_none['badRequest']['message']
    assert vapi.get('/snapshots').json_body_or_none['snapshots'] == []
    forced = vapi.post('/snapshots', {'snapshot': {'volume_id': volume_id, 'force': 'true'}})
    assert forced.status_int == 202


def test_a_force_that_is_not_a_boolean_is_refused(vapi, available):
    resp = vapi.post('/snapshots', {'snapshot': {'volume_id': available(), 'force': 'maybe'}})
    assert resp.status_int == 400
    assert "Invalid value 'maybe' for force." in resp.json_body_or_none['badRequest']['message']


def test_a_snapshot_of_an_unknown_volume_is_404(vapi):
    resp = vapi.post('/snapshots', {'snapshot': {'volume_id': 'nope'}})
    assert resp.status_int == 404


def test_a_volume_with_snapshots_cannot_be_deleted_until_they_are(vapi, available, manager,
                                                                 snapshot_of):
    volume_id = available()
    snapshot_id = snapshot_of(volume_id)
    refused = vapi.delete(f'/volumes/{volume_id}')
    assert refused.status_int == 400
    assert 'have snapshots' in refused.json_body_or_none['badRequest']['message']
    assert _volume(vapi, volume_id)['status'] == 'available'
    assert vapi.delete(f'/snapshots/{snapshot_id}').status_int == 202
    assert _snapshot(vapi, snapshot_id)['status'] == 'deleting'
    manager.delete_snapshot(_admin(), snapshot_id)
    assert vapi.get(f'/snapshots/{snapshot_id}').status_int == 404
    assert vapi.delete(f'/volumes/{volume_id}').status_int == 202


def test_a_snapshot_being_taken_cannot_be_deleted(vapi, available):
    snapshot = vapi.post('/snapshots', {'snapshot': {'volume_id': available()}}) \
        .json_body_or_none['snapshot']
    resp = vapi.delete(f"/snapshots/{snapshot['id']}")
    assert resp.status_int == 400
    assert 'must be available or error' in resp.json_body_or_none['badRequest']['message']


def test_a_volume_made_from_a_snapshot_has_its_size_or_more(vapi, available, manager,
                                                             snapshot_of):
    snapshot_id = snapshot_of(available(size=2))
    same = vapi.post('/volumes', {'volume': {'snapshot_id': snapshot_id}}) \
        .json_body_or_none['volume']
    assert (same['size'], same['snapshot_id'], same['status']) == (2, snapshot_id, 'creating')
    manager.create_volume(_admin(), same['id'], snapshot_id=snapshot_id)
    assert _volume(vapi, same['id'])['status'] == 'available'
    larger = vapi.post('/volumes', {'volume': {'snapshot_id': snapshot_id, 'size': 3}})
    assert larger.json_body_or_none['volume']['size'] == 3


def test_a_volume_smaller_than_its_snapshot_is_refused(vapi, available, snapshot_of):
    snapshot_id = snapshot_of(available(size=2))
    before = len(vapi.get('/volumes').json_body_or_none['volumes'])
    resp = vapi.post('/volumes', {'volume': {'snapshot_id': snapshot_id, 'size': 1}})
    assert resp.status_int == 400
    assert 'cannot be smaller than the snapshot size 2GB' in \
        resp.json_body_or_none['badRequest']['message']
    assert len(vapi.get('/volumes').json_body_or_none['volumes']) == before


def test_a_volume_from_a_snapshot_not_yet_available_is_refused(vapi, available):
    snapshot = vapi.post('/snapshots', {'snapshot': {'volume_id': available()}}) \
        .json_body_or_none['snapshot']
    resp = vapi.post('/volumes', {'volume': {'snapshot_id': snapshot['id']}})
    assert resp.status_int == 400


def test_a_snapshot_left_creating_by_a_crash_is_taken_again_at_restart(vapi, available,
                                                                         manager):
    snapshot = vapi.post('/snapshots', {'snapshot': {'volume_id': available()}}) \
        .json_body_or_none['snapshot']
    deleting = vapi.post('/snapshots', {'snapshot': {'volume_id': available()}}) \
        .json_body_or_none['snapshot']
    manager.create_snapshot(_admin(), deleting['id'])
    vapi.delete(f"/snapshots/{deleting['id']}")
    manager.init_host(_admin())
    assert _snapshot(vapi, snapshot['id'])['status'] == 'available'
    assert vapi.get(f"/snapshots/{deleting['id']}").status_int == 404


def test_limits_and_quota_count_snapshots(vapi, available, snapshot_of, conf):
    volume_id = available(size=2)
    snapshot_of(volume_id)
    absolute = vapi.get('/limits').json_body_or_none['limits']['absolute']
    assert (absolute['totalSnapshotsUsed'], absolute['totalGigabytesUsed']) == (1, 4)
    conf.set_override('quota_snapshots', 1, group='volume')
    resp = vapi.post('/snapshots', {'snapshot': {'volume_id': volume_id}})
    assert resp.status_int == 413
