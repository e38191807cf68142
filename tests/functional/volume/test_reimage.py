"""``os-reimage`` (3.68): an image written over a volume's data, Cinder's rules.

An ``available`` or ``error`` volume, or a ``reserved`` one with
``reimage_reserved`` (Nova rebuilding its server), goes ``downloading``; the
storage host writes the image and puts it back in its status with the new
image, or in ``error``; the servers holding it get ``volume-reimaged``.
"""

import pytest

from novalite import context
from novalite.image import local as local_image
from novalite.volume import nova

SERVER = '0b7c5f0e-3f7e-4a53-9f55-2c2b0f6d7a11'


@pytest.fixture
def image(conf, tmp_path):
    source = tmp_path / 'new.img'
    source.write_bytes(b'\1' * 4096)
    return local_image.get_image_service(conf).create('new', str(source), disk_format='raw')


@pytest.fixture
def told(monkeypatch):
    calls = []
    monkeypatch.setattr(nova, 'volume_reimaged', lambda ctx, servers, volume_id, status:
                        calls.append((servers, volume_id, status)))
    return calls


@pytest.fixture
def reserved(vapi, available):
    volume_id = available()
    vapi.post('/attachments', {'attachment': {'volume_uuid': volume_id,
                                              'instance_uuid': SERVER}})
    return volume_id


def _volume(vapi, volume_id):
    return vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']


def _reimage(vapi, volume_id, image_id, version='3.68', **more):
    return vapi.at(version).post(f'/volumes/{volume_id}/action',
                                 {'os-reimage': dict(more, image_id=image_id)})


def _message(resp):
    return resp.json_body_or_none['badRequest']['message']


def test_an_available_volume_is_downloading_then_available_with_the_new_image(
        vapi, available, image, manager, told):
    volume_id = available()
    resp = _reimage(vapi, volume_id, image['id'])
    assert (resp.status_int, resp.body) == (202, b'')
    assert _volume(vapi, volume_id)['status'] == 'downloading'
    manager.reimage(context.get_admin_context(), volume_id, image['id'], 'available')
    volume = _volume(vapi, volume_id)
    assert (volume['status'], volume['bootable']) == ('available', 'true')
    assert volume['volume_image_metadata']['image_id'] == image['id']
    assert told == [([], volume_id, 'completed')]


def test_a_reserved_volume_needs_reimage_reserved_and_its_server_is_told(
        vapi, reserved, image, manager, told):
    resp = _reimage(vapi, reserved, image['id'])
    assert resp.status_int == 400
    assert _message(resp) == (f"Invalid volume: Volume {reserved} status must be available "
                              f"or error, but current status is: reserved.")
    assert _reimage(vapi, reserved, image['id'], reimage_reserved=True).status_int == 202
    manager.reimage(context.get_admin_context(), reserved, image['id'], 'reserved')
    assert _volume(vapi, reserved)['status'] == 'reserved'
    assert told == [([SERVER], reserved, 'completed')]


def test_a_failed_write_leaves_the_volume_in_error_and_says_so(
        vapi, available, image, manager, told, monkeypatch):
    volume_id = available()
    _reimage(vapi, volume_id, image['id'])

    def broken(volume, images, found):
        raise OSError('disk on fire')
    monkeypatch.setattr(manager.driver, 'reimage', broken)
    manager.reimage(context.get_admin_context(), volume_id, image['id'], 'available')
    assert _volume(vapi, volume_id)['status'] == 'error'
    assert told == [([], volume_id, 'failed')]
    # An error volume may be re-imaged again.
    assert _reimage(vapi, volume_id, image['id']).status_int == 202


def test_an_in_use_volume_is_refused_even_with_reimage_reserved(vapi, reserved, image):
    attachment = vapi.get(f'/attachments?volume_id={reserved}').json_body_or_none[
        'attachments'][0]
    vapi.put(f"/attachments/{attachment['id']}",
             {'attachment': {'connector': {'host': 'h1', 'initiator': 'iqn.h1'}}})
    vapi.post(f"/attachments/{attachment['id']}/action", {'os-complete': None})
    resp = _reimage(vapi, reserved, image['id'], reimage_reserved=True)
    assert resp.status_int == 400
    assert 'must be available or error or reserved, but current status is: in-use.' in \
        _message(resp)
    assert _volume(vapi, reserved)['status'] == 'in-use'


def test_before_3_68_there_is_no_such_action(vapi, available, image):
    volume_id = available()
    resp = _reimage(vapi, volume_id, image['id'], version='3.67')
    assert resp.status_int == 400
    assert _message(resp) == 'There is no such action: os-reimage'
    assert _volume(vapi, volume_id)['status'] == 'available'


@pytest.mark.parametrize('body, message', [
    ({}, "'image_id' is a required property"),
    ({'image_id': 'x', 'color': 'red'}, 'color were unexpected'),
    ({'image_id': 'x', 'reimage_reserved': 'maybe'}, 'reimage_reserved'),
])
def test_bad_bodies_are_refused_and_change_nothing(vapi, available, body, message):
    volume_id = available()
    resp = vapi.at('3.68').post(f'/volumes/{volume_id}/action', {'os-reimage': body})
    assert resp.status_int == 400 and message in _message(resp)
    assert _volume(vapi, volume_id)['status'] == 'available'


def test_an_unknown_image_or_one_needing_more_than_the_volume_is_refused(
        vapi, available, conf, tmp_path):
    volume_id = available()
    resp = _reimage(vapi, volume_id, '7' * 8 + '-0000-4000-8000-' + '0' * 12)
    assert resp.status_int == 400 and 'unable to access requested image' in _message(resp)
    source = tmp_path / 'big.img'
    source.write_bytes(b'\2' * 512)
    large = local_image.get_image_service(conf).create('big', str(source), disk_format='raw',
                                                       min_disk=2)
    resp = _reimage(vapi, volume_id, large['id'])
    assert resp.status_int == 400
    assert _message(resp) == ('Invalid input received: Volume size 1GB cannot be smaller '
                              'than the image minDisk size 2GB.')
    assert _volume(vapi, volume_id)['status'] == 'available'


def test_a_volume_left_downloading_by_a_crash_is_in_error_at_restart(
        vapi, available, image, manager):
    volume_id = available()
    _reimage(vapi, volume_id, image['id'])
    manager.init_host(context.get_admin_context())
    assert _volume(vapi, volume_id)['status'] == 'error'


def test_the_event_goes_to_the_compute_api_at_2_93(conf):
    class Session:
        def post(self, url, json, headers, timeout):
            self.sent = (json, headers)
            return type('Resp', (), {'status_code': 200, 'text': ''})()
    session = Session()
    nova.volume_reimaged(context.get_admin_context(), ['s1'], 'v1', 'failed', session=session)
    body, headers = session.sent
    assert body == {'events': [{'name': 'volume-reimaged', 'server_uuid': 's1', 'tag': 'v1',
                                'status': 'failed'}]}
    assert headers['OpenStack-API-Version'] == 'compute 2.93'
