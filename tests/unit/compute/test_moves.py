"""The compute side of moves: a step that fails undoes the move where it stands."""

import json
from unittest import mock

import pytest

from novalite.compute import moves
from novalite.virt import fake
from tests.unit.compute import volume_fakes

CTX = mock.Mock(request_id='req')

MIGRATION = {'uuid': 'm-1', 'source_compute': 'src', 'source_node': 'src-node',
             'dest_compute': 'dst', 'dest_node': 'dst-node'}


@pytest.fixture
def mover():
    driver = mock.Mock(spec=fake.FakeDriver)
    driver.migrate_disk_and_power_off.side_effect = NotImplementedError(
        'The LibvirtDriver cannot move servers yet.')
    conductor = mock.Mock()
    conductor.migration_update.side_effect = lambda ctx, uuid, values: dict(MIGRATION, **values)
    conductor.instance_update.side_effect = lambda ctx, uuid, values, **kw: _instance(**values)
    return moves.Mover('src', driver, conductor, mock.Mock(), mock.Mock())


def _instance(**values):
    return dict({'uuid': 'i-1', 'vm_state': 'active', 'task_state': 'resize_prep',
                 'system_metadata': {}, 'flavor': {}}, **values)


def test_a_driver_that_cannot_move_leaves_the_server_on_its_source_with_a_fault(mover, conf):
    mover._run(mover.resize_instance, mock.Mock(request_id='req'), _instance(), MIGRATION,
               {'id': 2})
    conductor = mover.conductor
    conductor.migration_settle_claims.assert_called_once_with(mock.ANY, 'm-1', 'source')
    assert conductor.migration_update.call_args_list[-1].args[2] == {'status': 'error'}
    fault = conductor.instance_fault_create.call_args.args
    assert 'cannot move servers' in fault[3]
    values = conductor.instance_update.call_args_list[-1].args[2]
    assert values == {'task_state': None, 'host': 'src', 'node': 'src-node',
                      'vm_state': 'active'}
    mover.compute_rpcapi.finish_resize.assert_not_called()



# Volumes follow the guest (the steps themselves: test_cold_volumes)

TINY = {'id': 1, 'memory_mb': 64, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0, 'swap': 0}
BIGGER = dict(TINY, id=2, memory_mb=128)


@pytest.fixture
def two_hosts():
    """A source and a destination Mover sharing one volume API and one conductor's
    mappings: a server on ``src`` with volume v1 attached there."""
    attachments = volume_fakes.Attachments()
    mappings = volume_fakes.Mappings(volume_fakes.attached_volume(attachments, 'v1', 'src'))
    movers = {name: _mover_on(name, mappings, attachments) for name in ('src', 'dst')}
    movers['src'].driver.connected['v1'] = mappings.bdms['b-v1']['connection_info']
    return movers, attachments, mappings


def _mover_on(host, mappings, attachments):
    volumes = volume_fakes.HostVolumes(host)
    driver = mock.Mock(spec=fake.FakeDriver, connected=volumes.connected)
    for name in ('get_volume_connector', 'connect_volume', 'disconnect_volume'):
        getattr(driver, name).side_effect = getattr(volumes, name)
    driver.migrate_disk_and_power_off.return_value = {'files': ['disk']}
    conductor = mock.Mock(bdm_get_by_instance=mappings.bdm_get_by_instance,
                          bdm_update=mappings.bdm_update)
    conductor.migration_update.side_effect = lambda ctx, uuid, values: dict(MIGRATION, **values)
    conductor.instance_update.side_effect = lambda ctx, uuid, values, **kw: _instance(**values)
    mover = moves.Mover(host, driver, conductor, mock.Mock(), mock.Mock())
    mover.cold_volumes.volume_api = attachments
    return mover


def _resized(movers):
    movers['src'].resize_instance(CTX, _instance(flavor=TINY), MIGRATION, BIGGER)
    disk_info = movers['src'].compute_rpcapi.finish_resize.call_args.args[5]
    movers['dst'].finish_resize(CTX, _instance(flavor=TINY, task_state='resize_migrated'),
                                MIGRATION, BIGGER, disk_info)


def test_a_resized_server_is_defined_on_its_destination_with_its_volume(two_hosts):
    movers, attachments, mappings = two_hosts
    _resized(movers)
    kwargs = movers['dst'].driver.finish_migration.call_args.kwargs
    assert kwargs['volume_disks'] == ["<disk serial='v1' host='dst'/>"]
    assert attachments.of('v1') == [('dst', 'attached')]
    assert mappings.bdms['b-v1']['connection_info']['data']['initiator_seen'] == 'iqn.x:dst'
    assert movers['src'].driver.connected == {}
    assert set(movers['dst'].driver.connected) == {'v1'}


def test_a_reverted_resize_starts_the_source_guest_on_its_volume_connected_there_again(
        two_hosts):
    movers, attachments, mappings = two_hosts
    _resized(movers)
    movers['dst'].revert_resize(CTX, _instance(task_state='resize_reverting'), MIGRATION)
    assert movers['dst'].driver.connected == {}
    assert attachments.of('v1') == [(None, 'reserved')]
    movers['src'].finish_revert_resize(CTX, _instance(
        task_state='resize_reverting',
        system_metadata={'old_flavor': json.dumps(TINY), 'old_vm_state': 'active'}), MIGRATION)
    kwargs = movers['src'].driver.finish_revert_migration.call_args.kwargs
    assert kwargs['volume_disks'] == ["<disk serial='v1' host='src'/>"]
    assert attachments.of('v1') == [('src', 'attached')]
    assert set(movers['src'].driver.connected) == {'v1'}


def test_a_guest_that_cannot_be_defined_on_its_destination_leaves_no_connection_there(
        two_hosts):
    movers, attachments, mappings = two_hosts
    movers['dst'].driver.finish_migration.side_effect = RuntimeError('no room')
    with pytest.raises(RuntimeError):
        _resized(movers)
    assert movers['dst'].driver.connected == {}
    assert mappings.bdms['b-v1']['connection_info'] is None


def test_a_source_whose_destination_predates_1_21_keeps_its_volume_and_nothing_is_taken(
        two_hosts):
    movers, attachments, mappings = two_hosts
    movers['src'].compute_rpcapi.hands_over_volumes.return_value = False
    _resized(movers)
    assert attachments.of('v1') == [('src', 'attached')]
    assert set(movers['src'].driver.connected) == {'v1'}
    assert movers['dst'].driver.connected == {}
    assert movers['dst'].driver.finish_migration.call_args.kwargs['volume_disks'] == []
