"""Volumes that follow a live migration: the destination attaches and connects its
own, the source hands the mappings over and lets its own go, a rollback undoes
the destination's."""

from unittest import mock

import pytest

from novalite.compute import live_volumes
from novalite.virt import fake

CTX = mock.Mock()
INSTANCE = {'uuid': 'i-1'}
OLD_INFO = {'driver_volume_type': 'iscsi', 'data': {'volume_id': 'v1', 'auth_method': 'CHAP'}}
BDMS = [{'uuid': 'b-1', 'volume_id': 'v1', 'attachment_id': 'a-old', 'device_name': '/dev/vdb',
         'connection_info': OLD_INFO},
        {'uuid': 'b-2', 'volume_id': 'v2', 'attachment_id': 'a-res', 'device_name': '/dev/vdc',
         'connection_info': None},
        {'uuid': 'b-3', 'volume_id': None, 'attachment_id': None, 'device_name': '/dev/vda',
         'connection_info': None}]
CONNECTOR = {'host': 'dst', 'initiator': 'iqn.x:dst'}


@pytest.fixture
def ops():
    driver = mock.Mock(spec=fake.FakeDriver)
    driver.get_volume_connector.return_value = CONNECTOR
    driver.connect_volume.return_value = '<disk/>'
    conductor = mock.Mock()
    conductor.bdm_get_by_instance.return_value = BDMS
    volume_api = mock.Mock()
    volume_api.attachment_create.return_value = {
        'id': 'a-new', 'connection_info': {'driver_volume_type': 'iscsi',
                                           'target_portal': '10.0.0.1:3260',
                                           'attachment_id': 'a-new'}}
    return live_volumes.LiveVolumes(driver, conductor, volume_api)


def test_the_destination_attaches_each_connected_volume_with_its_own_connector(ops):
    moved = ops.connect(CTX, INSTANCE)
    ops.volume_api.attachment_create.assert_called_once_with(
        CTX, 'v1', 'i-1', connector=dict(CONNECTOR, mountpoint='/dev/vdb'))
    info = {'driver_volume_type': 'iscsi', 'serial': 'v1',
            'data': {'target_portal': '10.0.0.1:3260', 'volume_id': 'v1'}}
    ops.driver.connect_volume.assert_called_once_with(info, '/dev/vdb')
    assert moved == [{'volume_id': 'v1', 'bdm_uuid': 'b-1', 'attachment_id': 'a-new',
                      'old_attachment_id': 'a-old', 'connection_info': info,
                      'disk_xml': '<disk/>'}]


def test_a_server_without_volumes_attaches_nothing(ops):
    ops.conductor.bdm_get_by_instance.return_value = BDMS[2:]
    assert ops.connect(CTX, INSTANCE) == []
    ops.volume_api.attachment_create.assert_not_called()


def test_a_connection_that_fails_on_the_destination_deletes_its_attachment(ops):
    ops.driver.connect_volume.side_effect = RuntimeError('no secret')
    with pytest.raises(RuntimeError):
        ops.connect(CTX, INSTANCE)
    ops.volume_api.attachment_delete.assert_called_once_with(CTX, 'a-new')


def test_a_failure_on_a_later_volume_undoes_the_earlier_ones(ops):
    second = dict(BDMS[0], uuid='b-4', volume_id='v4', attachment_id='a-old4')
    ops.conductor.bdm_get_by_instance.return_value = [BDMS[0], second]
    ops.volume_api.attachment_create.side_effect = [
        ops.volume_api.attachment_create.return_value, RuntimeError('volume API down')]
    with pytest.raises(RuntimeError):
        ops.connect(CTX, INSTANCE)
    ops.driver.disconnect_volume.assert_called_once()
    ops.volume_api.attachment_delete.assert_called_once_with(CTX, 'a-new')


def test_a_rollback_forgets_the_destinations_connection_and_attachment(ops):
    moved = ops.connect(CTX, INSTANCE)
    ops.disconnect(CTX, moved)
    ops.driver.disconnect_volume.assert_called_once_with(moved[0]['connection_info'])
    ops.volume_api.attachment_delete.assert_called_once_with(CTX, 'a-new')


def test_after_the_move_the_mapping_takes_the_new_attachment_and_the_old_one_goes(ops):
    moved = ops.connect(CTX, INSTANCE)
    ops.switch(CTX, INSTANCE, moved)
    ops.conductor.bdm_update.assert_called_once_with(
        CTX, 'b-1', {'attachment_id': 'a-new', 'connection_info': moved[0]['connection_info']})
    ops.volume_api.attachment_complete.assert_called_once_with(CTX, 'a-new')
    ops.driver.disconnect_volume.assert_called_once_with(OLD_INFO)
    ops.volume_api.attachment_delete.assert_called_once_with(CTX, 'a-old')


def test_a_failed_hand_over_is_logged_and_the_next_volume_still_moves(ops):
    ops.conductor.bdm_update.side_effect = [RuntimeError('conductor away'), None]
    moved = [{'volume_id': 'v1', 'bdm_uuid': 'b-1', 'attachment_id': 'n1',
              'old_attachment_id': 'a-old', 'connection_info': {}},
             {'volume_id': 'v2', 'bdm_uuid': 'b-2', 'attachment_id': 'n2',
              'old_attachment_id': 'a-res', 'connection_info': {}}]
    ops.switch(CTX, INSTANCE, moved)
    ops.volume_api.attachment_complete.assert_called_once_with(CTX, 'n2')
    ops.volume_api.attachment_delete.assert_called_once_with(CTX, 'a-res')


def _listed(*attachments):
    return [dict({'connection_info': {'driver_volume_type': 'iscsi',
                                      'target_portal': '10.0.0.1:3260'}}, **each)
            for each in attachments]


def test_after_a_restart_the_destinations_attachment_is_found_in_the_volume_api(ops):
    ops.volume_api.attachment_list.return_value = _listed(
        {'id': 'a-old', 'status': 'attached'}, {'id': 'a-new', 'status': 'attaching'})
    assert ops.left_behind(CTX, INSTANCE) == [{
        'volume_id': 'v1', 'bdm_uuid': 'b-1', 'attachment_id': 'a-new',
        'old_attachment_id': 'a-old', 'connection_info': {
            'driver_volume_type': 'iscsi', 'serial': 'v1',
            'data': {'target_portal': '10.0.0.1:3260', 'volume_id': 'v1'}}}]
    ops.volume_api.attachment_list.assert_called_once_with(CTX, 'v1', 'i-1')


def test_a_volume_already_handed_over_or_never_connected_elsewhere_is_not_found(ops):
    """Only a second attachment being connected (``attaching``) is a destination's."""
    ops.volume_api.attachment_list.return_value = _listed(
        {'id': 'a-old', 'status': 'attached'}, {'id': 'a-res', 'status': 'reserved',
                                                'connection_info': {}},
        {'id': 'a-other', 'status': 'attached'})
    assert ops.left_behind(CTX, INSTANCE) == []


def test_two_destinations_attachments_of_one_volume_are_left_to_an_operator(ops):
    ops.volume_api.attachment_list.return_value = _listed(
        {'id': 'a-new', 'status': 'attaching'}, {'id': 'a-new2', 'status': 'attaching'})
    assert ops.left_behind(CTX, INSTANCE) == []


def test_a_volume_api_that_cannot_list_attachments_leaves_the_volumes_as_they_are(ops):
    ops.volume_api.attachment_list.side_effect = RuntimeError('volume API down')
    assert ops.left_behind(CTX, INSTANCE) == []
