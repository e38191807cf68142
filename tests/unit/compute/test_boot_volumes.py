"""The volumes of a build on its compute host: made, waited for, connected, released."""

from unittest import mock

import pytest

from novalite import exception
from novalite.compute import boot_volumes

CONNECTOR = {'host': 'h1', 'initiator': 'iqn.h1'}
INFO = {'driver_volume_type': 'iscsi', 'data': {'target_iqn': 'iqn.v'}}


@pytest.fixture
def parts(conf):
    conf.set_override('block_device_allocate_retries', 2, group='compute')
    conf.set_override('block_device_allocate_retries_interval', 0, group='compute')
    driver, conductor, volume_api = mock.Mock(), mock.Mock(), mock.Mock()
    driver.get_volume_connector.return_value = CONNECTOR
    row = dict(BDM)

    def bdm_update(ctx, uuid, values):
        row.update(values)
        return dict(row)
    conductor.bdm_update.side_effect = bdm_update
    volume_api.create.return_value = {'id': 'vol1'}
    volume_api.attachment_create.return_value = {'id': 'att1'}
    volume_api.attachment_update.return_value = {'connection_info': dict(INFO, data={})}
    return boot_volumes.BootVolumes('h1', driver, conductor, volume_api), volume_api


BDM = {'uuid': 'b1', 'volume_id': None, 'attachment_id': None, 'image_id': 'img',
       'volume_size': 1, 'device_name': '/dev/vda', 'boot_index': 0}


def test_a_volume_from_an_image_is_made_waited_for_reserved_and_connected(parts):
    ops, volume_api = parts
    volume_api.get.side_effect = [{'status': 'creating'}, {'status': 'available'}]
    [bdm] = ops.prepare(None, {'uuid': 'i1'}, [BDM])
    volume_api.create.assert_called_once_with(None, 1, '', image_id='img', volume_type=None,
                                              snapshot_id=None)
    volume_api.attachment_create.assert_called_once_with(None, 'vol1', 'i1')
    volume_api.attachment_update.assert_called_once_with(None, 'att1', CONNECTOR, '/dev/vda')
    assert bdm['connection_info']['serial'] == 'vol1'
    assert bdm['connection_info']['data']['volume_id'] == 'vol1'
    assert boot_volumes.block_device_info([bdm])['block_device_mapping'][0]['boot_index'] == 0


def test_a_volume_from_a_snapshot_waits_for_the_snapshot_then_is_made_of_it(parts):
    ops, volume_api = parts
    volume_api.get_snapshot.side_effect = [{'status': 'creating'}, {'status': 'available'}]
    volume_api.get.return_value = {'status': 'available'}
    ops.prepare(None, {'uuid': 'i1'}, [dict(BDM, image_id=None, snapshot_id='snap1')])
    assert volume_api.get_snapshot.call_count == 2
    volume_api.create.assert_called_once_with(None, 1, '', image_id=None, volume_type=None,
                                              snapshot_id='snap1')


def test_a_snapshot_in_error_fails_the_build_before_any_volume_is_made(parts):
    ops, volume_api = parts
    volume_api.get_snapshot.return_value = {'status': 'error'}
    with pytest.raises(exception.VolumeNotCreated):
        ops.prepare(None, {'uuid': 'i1'}, [dict(BDM, image_id=None, snapshot_id='snap1')])
    volume_api.create.assert_not_called()


def test_a_volume_that_ends_in_error_fails_the_build_with_nova_s_message(parts):
    ops, volume_api = parts
    volume_api.get.return_value = {'status': 'error'}
    with pytest.raises(exception.VolumeNotCreated) as caught:
        ops.prepare(None, {'uuid': 'i1'}, [BDM])
    assert 'And its status is error' in caught.value.format_message()
    volume_api.attachment_create.assert_not_called()


def test_a_volume_still_creating_after_the_retries_fails_the_build(parts):
    ops, volume_api = parts
    volume_api.get.return_value = {'status': 'creating'}
    with pytest.raises(exception.VolumeNotCreated):
        ops.prepare(None, {'uuid': 'i1'}, [BDM])
    assert volume_api.get.call_count == 3


def test_an_existing_reserved_volume_is_only_connected(parts):
    ops, volume_api = parts
    ops.prepare(None, {'uuid': 'i1'}, [dict(BDM, volume_id='v9', attachment_id='a9')])
    volume_api.create.assert_not_called()
    volume_api.attachment_create.assert_not_called()
    volume_api.attachment_update.assert_called_once_with(None, 'a9', CONNECTOR, '/dev/vda')


def test_release_deletes_attachments_but_keeps_the_volumes_made(parts):
    ops, volume_api = parts
    ops.conductor.bdm_get_by_instance.return_value = [
        dict(BDM, volume_id='vol1', attachment_id='att1', connection_info=INFO)]
    ops.release(None, {'uuid': 'i1'})
    ops.driver.detach_volume.assert_called_once_with(None, INFO, {'uuid': 'i1'}, '/dev/vda')
    volume_api.attachment_delete.assert_called_once_with(None, 'att1')
    volume_api.delete.assert_not_called()
    ops.conductor.bdm_update.assert_called_once_with(
        None, 'b1', {'attachment_id': None, 'connection_info': None})
