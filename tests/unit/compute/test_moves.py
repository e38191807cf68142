"""The compute side of moves: a step that fails undoes the move where it stands."""

from unittest import mock

import pytest

from novalite.compute import moves
from novalite.virt import fake

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

