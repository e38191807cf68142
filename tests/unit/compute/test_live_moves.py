"""The compute side of live migration: queued, prepared, run, then post or rollback."""

from unittest import mock

import eventlet
import eventlet.event
import pytest

from novalite import exception
from novalite.compute import live_moves
from novalite.virt import fake

MIGRATION = {'id': 7, 'uuid': 'm-1', 'source_compute': 'src', 'source_node': 'src-node',
             'dest_compute': 'dst', 'dest_node': 'dst-node'}
CTX = mock.Mock(request_id='req')


@pytest.fixture
def mover(conf):
    conf.set_override('max_concurrent_live_migrations', 1)
    driver = mock.Mock(spec=fake.FakeDriver)
    conductor = mock.Mock()
    conductor.migration_update.side_effect = \
        lambda ctx, uuid, values, expected_status=None: dict(MIGRATION, **values)
    rpc = mock.Mock()
    rpc.pre_live_migration.return_value = {'dest_dir': '/d', 'block_migration': True}
    return live_moves.LiveMover('src', driver, conductor, rpc, mock.Mock())


def _instance(**values):
    return dict({'uuid': 'i-1', 'vm_state': 'active', 'task_state': 'migrating',
                 'system_metadata': {}, 'flavor': {}}, **values)


def _statuses(mover):
    return [c.args[2]['status'] for c in mover.conductor.migration_update.call_args_list
            if 'status' in c.args[2]]


def test_a_failed_live_migration_rolls_back_and_keeps_the_server_running_here(mover):
    mover.driver.live_migration.side_effect = RuntimeError('connection to dst refused')
    mover.live_migration(CTX, _instance(), MIGRATION, True, {'block_migration': True})
    conductor = mover.conductor
    conductor.migration_settle_claims.assert_called_once_with(mock.ANY, 'm-1', 'source')
    assert _statuses(mover) == ['preparing', 'running', 'error']
    assert conductor.instance_update.call_args.args[2] == {'task_state': None}
    assert 'refused' in conductor.instance_fault_create.call_args.args[3]
    mover.compute_rpcapi.post_live_migration_at_destination.assert_not_called()
    mover.compute_rpcapi.rollback_live_migration_at_destination.assert_called_once_with(
        CTX, 'dst', mock.ANY, {'dest_dir': '/d', 'block_migration': True})


def test_a_finished_migration_moves_host_claims_and_record_in_one_call_then_cleans_here(mover):
    mover.live_migration(CTX, _instance(), MIGRATION, True, {})
    mover.driver.live_migration.assert_called_once_with(
        CTX, mock.ANY, 'dst', mock.ANY, True, migrate_data={'dest_dir': '/d',
                                                            'block_migration': True})
    mover.conductor.migration_complete_live.assert_called_once_with(
        CTX, 'm-1', {'host': 'dst', 'node': 'dst-node', 'power_state': 1})
    mover.conductor.migration_settle_claims.assert_not_called()
    mover.driver.post_live_migration_at_source.assert_called_once()
    mover.compute_rpcapi.post_live_migration_at_destination.assert_called_once_with(
        CTX, 'dst', mock.ANY)


def test_a_guest_moved_whose_completion_is_not_recorded_is_left_migrating_for_the_reaper(
        mover):
    mover.conductor.migration_complete_live.side_effect = TimeoutError('conductor gone')
    mover.live_migration(CTX, _instance(), MIGRATION, True, {})
    # No rollback: the server must not be placed back where its guest no longer is.
    assert _statuses(mover) == ['preparing', 'running']
    mover.conductor.migration_settle_claims.assert_not_called()
    mover.conductor.instance_update.assert_not_called()
    mover.compute_rpcapi.rollback_live_migration_at_destination.assert_not_called()


def test_a_migration_settled_before_its_host_took_it_over_never_starts(mover):
    def update(ctx, uuid, values, expected_status=None):
        if expected_status == ['queued']:
            raise exception.MigrationNotFound(migration_id=uuid)
        return dict(MIGRATION, **values)
    mover.conductor.migration_update.side_effect = update
    mover.live_migration(CTX, _instance(), MIGRATION, True, {})
    mover.driver.live_migration.assert_not_called()
    assert _statuses(mover)[-1] == 'error'


def test_an_abort_while_queued_cancels_before_the_destination_is_asked(mover):
    mover._pending.add(7)
    mover.abort(CTX, _instance(), 7)
    mover.driver.live_migration_abort.assert_not_called()
    mover._live_migration(CTX, _instance(), MIGRATION, True, {})
    assert _statuses(mover) == ['cancelled']
    mover.compute_rpcapi.pre_live_migration.assert_not_called()
    mover.compute_rpcapi.rollback_live_migration_at_destination.assert_not_called()
    mover.conductor.migration_settle_claims.assert_called_once_with(mock.ANY, 'm-1', 'source')


def test_an_abort_while_running_goes_to_the_driver_and_ends_cancelled(mover):
    mover.abort(CTX, _instance(), 7)
    mover.driver.live_migration_abort.assert_called_once()
    mover.driver.live_migration.side_effect = exception.MigrationAborted(instance_uuid='i-1')
    mover.live_migration(CTX, _instance(), MIGRATION, True, {})
    assert _statuses(mover)[-1] == 'cancelled'
    mover.conductor.instance_fault_create.assert_not_called()


def test_the_queue_holds_a_second_migration_until_the_first_ends(mover):
    assert mover._slots.acquire(blocking=False)
    assert not mover._slots.acquire(blocking=False)
    mover._slots.release()


@pytest.mark.parametrize('here', [True, False])
def test_a_restart_settles_the_migration_where_libvirt_has_the_guest(mover, here):
    mover.conductor.migration_get_in_progress.return_value = dict(MIGRATION, status='running')
    mover.driver.live_migration_recover.return_value = here
    mover.volumes = mock.Mock()
    mover.volumes.left_behind.return_value = []
    assert mover.recover(CTX, _instance())
    if here:
        mover.conductor.migration_settle_claims.assert_called_once_with(CTX, 'm-1', 'source')
        assert _statuses(mover) == ['error']
        mover.conductor.migration_complete_live.assert_not_called()
    else:
        mover.conductor.migration_complete_live.assert_called_once()
        mover.compute_rpcapi.post_live_migration_at_destination.assert_called_once()


@pytest.mark.parametrize('here', [True, False])
def test_a_restart_has_the_volumes_follow_the_guest_as_the_volume_api_says_they_moved(
        mover, here):
    """migrate_data died with the source: the destination's attachments are found again."""
    mover.conductor.migration_get_in_progress.return_value = dict(MIGRATION, status='running')
    mover.driver.live_migration_recover.return_value = here
    mover.volumes = mock.Mock()
    mover.volumes.left_behind.return_value = [{'volume_id': 'v1'}]
    mover.recover(CTX, _instance())
    if here:
        mover.compute_rpcapi.rollback_live_migration_at_destination.assert_called_once_with(
            CTX, 'dst', mock.ANY, {'volumes': [{'volume_id': 'v1'}]})
        mover.volumes.switch.assert_not_called()
        mover.volumes.let_go_leftovers.assert_not_called()
    else:
        mover.volumes.switch.assert_called_once_with(CTX, mock.ANY, [{'volume_id': 'v1'}])
        mover.volumes.let_go_leftovers.assert_called_once_with(CTX, mock.ANY)
        # The source's own record of the move (its files) still decides its cleanup.
        assert mover.driver.post_live_migration_at_source.call_args.args[3] is None


def test_the_reaper_leaves_a_migrating_instance_alone_while_it_queues_and_runs(mover):
    seen = []
    mover.driver.live_migration.side_effect = lambda *a, **k: seen.append(
        'i-1' in mover.in_flight)
    mover.live_migration(CTX, _instance(), MIGRATION, True, {})
    assert seen == [True] and 'i-1' not in mover.in_flight


def test_the_destination_answers_its_volume_connections_with_the_migrate_data(mover):
    mover.driver.pre_live_migration.return_value = {'dest_dir': '/d'}
    mover.volumes = mock.Mock()
    mover.volumes.connect.return_value = [{'volume_id': 'v1'}]
    assert mover.pre_live_migration(CTX, _instance(), MIGRATION, {'connect_volumes': True}) == {
        'dest_dir': '/d', 'volumes': [{'volume_id': 'v1'}]}


def test_a_rollback_at_the_destination_lets_its_volume_connections_go(mover):
    mover.volumes = mock.Mock()
    mover.rollback_at_destination(CTX, _instance(), {'volumes': [{'volume_id': 'v1'}]})
    mover.driver.rollback_live_migration_at_destination.assert_called_once()
    mover.volumes.disconnect.assert_called_once_with(CTX, [{'volume_id': 'v1'}])


def test_a_finished_migration_hands_the_volumes_over_before_cleaning_here(mover):
    mover.compute_rpcapi.pre_live_migration.return_value = {'volumes': [{'volume_id': 'v1'}]}
    mover.volumes = mock.Mock()
    mover.live_migration(CTX, _instance(), MIGRATION, True, {})
    mover.volumes.switch.assert_called_once_with(CTX, mock.ANY, [{'volume_id': 'v1'}])
    mover.volumes.disconnect.assert_not_called()


def test_the_volumes_are_handed_over_before_the_move_is_recorded(mover):
    # A source dying between the two then still has a migration to settle at its restart.
    mover.compute_rpcapi.pre_live_migration.return_value = {'volumes': [{'volume_id': 'v1'}]}
    steps = mock.Mock()
    mover.volumes = steps.volumes
    mover.conductor.migration_complete_live = steps.complete
    mover.live_migration(CTX, _instance(), MIGRATION, True, {})
    assert [name for name, _args, _kwargs in steps.mock_calls] == ['volumes.switch', 'complete']


def test_a_source_older_than_1_20_never_has_the_destination_connect_volumes(mover):
    mover.driver.pre_live_migration.return_value = {'dest_dir': '/d'}
    mover.volumes = mock.Mock()
    assert mover.pre_live_migration(CTX, _instance(), MIGRATION, {}) == {'dest_dir': '/d'}
    mover.volumes.connect.assert_not_called()


_TIMED_OUT = 'Task state migrating timed out: the step did not finish within 5 s'


def _cancelled_in(mover, step):
    """Run the migration in a green thread, cancel it once ``step`` waits; True if it ended."""
    started = eventlet.event.Event()
    step.side_effect = lambda *args, **kwargs: (started.send(), eventlet.sleep(600))
    thread = eventlet.spawn(mover.live_migration, CTX, _instance(), MIGRATION, True, {})
    started.wait()
    assert mover.in_flight.running.cancel('i-1', _TIMED_OUT)
    with eventlet.Timeout(10):
        thread.wait()


@pytest.mark.parametrize('here', [True, False])
def test_a_migration_cancelled_at_its_deadline_settles_where_the_guest_is(mover, here):
    """The copy hangs; the reaper cancels it: the job is ended, then rolled back or completed."""
    mover.driver.live_migration_recover.return_value = here
    _cancelled_in(mover, mover.driver.live_migration)
    mover.driver.live_migration_recover.assert_called_once()
    if here:
        assert _statuses(mover) == ['preparing', 'running', 'error']
        assert mover.conductor.instance_fault_create.call_args.args[3] == _TIMED_OUT
        mover.compute_rpcapi.rollback_live_migration_at_destination.assert_called_once()
        mover.conductor.migration_complete_live.assert_not_called()
    else:
        mover.conductor.migration_complete_live.assert_called_once()
        mover.compute_rpcapi.post_live_migration_at_destination.assert_called_once()


def test_a_migration_cancelled_while_the_destination_prepares_rolls_back(mover):
    _cancelled_in(mover, mover.compute_rpcapi.pre_live_migration)
    mover.driver.live_migration.assert_not_called()
    assert _statuses(mover)[-1] == 'error'
    assert mover.conductor.instance_fault_create.call_args.args[3] == _TIMED_OUT
    mover.conductor.migration_settle_claims.assert_called_once_with(mock.ANY, 'm-1', 'source')


def test_a_migration_cancelled_while_queued_never_starts(mover):
    mover._slots.acquire()
    thread = eventlet.spawn(mover.live_migration, CTX, _instance(), MIGRATION, True, {})
    eventlet.sleep(0)
    assert mover.in_flight.running.cancel('i-1', _TIMED_OUT)
    with eventlet.Timeout(10):
        thread.wait()
    mover._slots.release()
    mover.compute_rpcapi.pre_live_migration.assert_not_called()
    assert _statuses(mover) == ['error']
    assert mover.conductor.instance_fault_create.call_args.args[3] == _TIMED_OUT
    mover.compute_rpcapi.rollback_live_migration_at_destination.assert_not_called()
