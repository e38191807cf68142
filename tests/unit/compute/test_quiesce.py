"""Quiesce on the compute host: frozen on request, thawed once the snapshots are taken."""

from unittest import mock

import pytest

from novalite.compute import quiesce

INSTANCE = {'uuid': 'i1', 'system_metadata': {'image_hw_qemu_guest_agent': 'yes'}}
MAPPING = [{'source_type': 'snapshot', 'snapshot_id': 's1'},
           {'source_type': 'snapshot', 'snapshot_id': 's2'}]


@pytest.fixture
def ops(conf):
    conf.set_override('block_device_allocate_retries', 2, group='compute')
    conf.set_override('block_device_allocate_retries_interval', 0, group='compute')
    return quiesce.QuiesceOps(mock.Mock(), mock.Mock())


def test_quiesce_passes_the_server_s_image_properties_to_the_driver(ops):
    ops.quiesce(None, INSTANCE)
    ops.driver.quiesce.assert_called_once_with(None, INSTANCE, {'hw_qemu_guest_agent': 'yes'})


def test_the_guest_is_thawed_only_after_each_snapshot_is_taken(ops):
    seen = []
    ops.volume_api.get_snapshot.side_effect = lambda ctx, snapshot_id: seen.append(
        snapshot_id) or {'status': 'available'}
    ops.driver.unquiesce.side_effect = lambda *args: seen.append('thaw')
    ops.unquiesce(None, INSTANCE, MAPPING)
    assert seen == ['s1', 's2', 'thaw']


def test_a_snapshot_that_never_finishes_does_not_keep_the_guest_frozen(ops):
    ops.volume_api.get_snapshot.return_value = {'status': 'creating'}
    ops.unquiesce(None, INSTANCE, MAPPING)
    ops.driver.unquiesce.assert_called_once()
