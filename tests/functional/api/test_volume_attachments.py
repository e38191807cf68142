"""os-volume_attachments: the compute API's side of attach and detach.

The compute API reaches the Block Storage app (loaded from the paste file)
through the real Cinder client, in process; casts to the compute host land
on the fake transport, so attachments stay reserved, as they are until a
host connects them.
"""

import pytest

from novalite import context
from novalite.api import app as api_app
from novalite.db import block_device_mappings as db_bdms
from novalite.volume import cinder
from novalite.volume import manager as volume_manager
from tests.functional.api.conftest import make_instance
from tests.functional.compute.test_volumes import WSGIAdapter


@pytest.fixture
def volume_api(conf, db, monkeypatch):
    conf.set_override('volume_driver', 'fake', group='volume')
    app = api_app.load_app(conf, name='osapi_volume')
    original = cinder.API.__init__

    def in_process(self, session=None):
        original(self, session)
        self.session.mount('http://', WSGIAdapter(app))
    monkeypatch.setattr(cinder.API, '__init__', in_process)
    return cinder.API()


@pytest.fixture
def volume_id(volume_api, conf):
    ctx = context.RequestContext(user_id='demo', project_id='demo', auth_token='demo:demo')
    created = volume_api.create(ctx, 1, 'data')
    volume_manager.VolumeManager(conf.host).create_volume(ctx, created['id'])
    return created['id']


@pytest.fixture
def server(compute_host):
    return make_instance()


def _attach(api, server, volume_id, **extra):
    return api.post(f"/servers/{server['uuid']}/os-volume_attachments",
                    {'volumeAttachment': dict(extra, volumeId=volume_id)})


def test_attach_answers_the_device_and_reserves_the_volume(api, server, volume_id,
                                                           volume_api):
    resp = _attach(api, server, volume_id)
    assert resp.status_int == 200
    assert resp.json_body_or_none['volumeAttachment'] == {
        'device': '/dev/vdb', 'serverId': server['uuid'], 'volumeId': volume_id,
        'id': volume_id}
    ctx = context.RequestContext(project_id='demo', auth_token='demo:demo')
    assert volume_api.get(ctx, volume_id)['status'] == 'reserved'


def test_attachments_list_and_show_the_volume(api, server, volume_id, volume_api):
    _attach(api, server, volume_id)
    listed = api.get(f"/servers/{server['uuid']}/os-volume_attachments").json_body_or_none
    assert [a['volumeId'] for a in listed['volumeAttachments']] == [volume_id]
    shown = api.get(f"/servers/{server['uuid']}/os-volume_attachments/{volume_id}")
    assert shown.json_body_or_none['volumeAttachment']['device'] == '/dev/vdb'


def test_server_view_lists_the_attached_volume(api, server, volume_id, volume_api):
    _attach(api, server, volume_id)
    view = api.get(f"/servers/{server['uuid']}", version='2.3').json_body_or_none['server']
    assert view['os-extended-volumes:volumes_attached'] == [
        {'id': volume_id, 'delete_on_termination': False}]


def test_attach_of_an_unknown_volume_is_404_and_reserves_nothing(api, server, volume_api):
    resp = _attach(api, server, '3c0e5c9a-1111-4111-8111-111111111111')
    assert resp.status_int == 404
    listed = api.get(f"/servers/{server['uuid']}/os-volume_attachments").json_body_or_none
    assert listed['volumeAttachments'] == []


def test_attach_of_a_volume_in_use_is_400(api, server, volume_id, volume_api):
    _attach(api, server, volume_id)
    other = make_instance()
    resp = _attach(api, other, volume_id)
    assert resp.status_int == 400
    assert api.get(f"/servers/{other['uuid']}/os-volume_attachments") \
        .json_body_or_none['volumeAttachments'] == []


def test_taken_device_name_is_400(api, server, volume_id, volume_api, conf):
    _attach(api, server, volume_id, device='/dev/vdc')
    ctx = context.RequestContext(user_id='demo', project_id='demo', auth_token='demo:demo')
    second = volume_api.create(ctx, 1, 'two')['id']
    volume_manager.VolumeManager(conf.host).create_volume(ctx, second)
    assert _attach(api, server, second, device='/dev/vdc').status_int == 400


def _host_attaches(volume_api, server, volume_id):
    """What the server's host does with the cast: connect and complete (volume in-use)."""
    ctx = context.RequestContext(user_id='demo', project_id='demo', auth_token='demo:demo')
    (bdm,) = db_bdms.bdm_get_by_instance(server['uuid'])
    volume_api.attachment_update(ctx, bdm['attachment_id'], {'host': 'host1'})
    volume_api.attachment_complete(ctx, bdm['attachment_id'])
    return ctx


def test_detach_answers_202_and_marks_the_volume_detaching(api, server, volume_id,
                                                           volume_api):
    _attach(api, server, volume_id)
    ctx = _host_attaches(volume_api, server, volume_id)
    resp = api.delete(f"/servers/{server['uuid']}/os-volume_attachments/{volume_id}")
    assert resp.status_int == 202
    assert volume_api.get(ctx, volume_id)['status'] == 'detaching'


def test_a_second_detach_while_the_first_is_under_way_is_400(api, server, volume_id,
                                                             volume_api):
    _attach(api, server, volume_id)
    ctx = _host_attaches(volume_api, server, volume_id)
    path = f"/servers/{server['uuid']}/os-volume_attachments/{volume_id}"
    assert api.delete(path).status_int == 202
    resp = api.delete(path)
    assert resp.status_int == 400
    assert "Volume status must be 'in-use'" in resp.json_body_or_none['badRequest']['message']
    assert volume_api.get(ctx, volume_id)['status'] == 'detaching'


def test_detach_of_a_volume_still_attaching_is_400_and_keeps_it(api, server, volume_id,
                                                               volume_api):
    _attach(api, server, volume_id)
    resp = api.delete(f"/servers/{server['uuid']}/os-volume_attachments/{volume_id}")
    assert resp.status_int == 400
    assert resp.json_body_or_none['badRequest']['code'] == 400
    ctx = context.RequestContext(project_id='demo', auth_token='demo:demo')
    assert volume_api.get(ctx, volume_id)['status'] == 'reserved'
    assert len(db_bdms.bdm_get_by_instance(server['uuid'])) == 1


def test_detach_of_a_volume_not_attached_is_404(api, server, volume_id, volume_api):
    resp = api.delete(f"/servers/{server['uuid']}/os-volume_attachments/{volume_id}")
    assert resp.status_int == 404


def test_tag_needs_microversion_2_49(api, server, volume_id, volume_api):
    assert _attach(api, server, volume_id, tag='data').status_int == 400


@pytest.mark.parametrize('delete_on_termination, expected', [(False, 'available'),
                                                             (True, 'deleting')])
def test_deleting_a_server_whose_host_is_down_still_frees_its_volume(
        api, volume_id, volume_api, delete_on_termination, expected):
    # No compute service row for host1: the host is down, the API deletes locally.
    server = make_instance(host='host1')
    ctx = context.RequestContext(user_id='demo', project_id='demo', auth_token='demo:demo')
    attachment = volume_api.attachment_create(ctx, volume_id, server['uuid'])
    db_bdms.bdm_reserve(server['uuid'], {
        'source_type': 'volume', 'destination_type': 'volume', 'volume_id': volume_id,
        'attachment_id': attachment['id'], 'delete_on_termination': delete_on_termination})
    assert volume_api.get(ctx, volume_id)['status'] == 'reserved'
    assert api.delete(f"/servers/{server['uuid']}").status_int == 204
    assert volume_api.get(ctx, volume_id)['status'] == expected
    assert db_bdms.bdm_get_by_instance(server['uuid']) == []
