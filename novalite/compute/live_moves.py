"""Live migration on the compute hosts.

The conductor has claimed the destination and had it check the move
(``check_can_live_migrate_destination``, which asks the source's
``check_can_live_migrate_source``: CPU, shared storage or block). The
source's ``live_migration`` then waits for one of the host's
``[DEFAULT] max_concurrent_live_migrations`` slots (status ``queued``),
has the destination prepare (``preparing``: ``pre_live_migration``), runs
the driver's migration (``running``, progress in the record) and ends in
the post (instance, claims and record moved in one transaction, the source
cleaned up, the destination confirms the guest's power state) or the
rollback (the guest still runs here, the destination's claim and files go).
A migration aborted while queued or preparing never starts.

A host restarted mid-migration settles it in :meth:`LiveMover.recover`:
the guest is where libvirt says it is, and the record and claims follow.
So does the host's reaper for a migration whose conductor went away (killed
before it handed the move over, or unreachable when the guest had moved).
"""

import contextlib
import time

from oslo_log import log as logging

from novalite import concurrency, exception
from novalite.compute import live_volumes, moves, reaper, vm_states
from novalite.conf import CONF
from novalite.virt import power_state

LOG = logging.getLogger(__name__)


class LiveMover(moves.Mover):
    def __init__(self, *args, in_flight=None):
        super().__init__(*args)
        # The host's reaper leaves an instance alone while it is in here: a
        # migration may queue or run longer than [DEFAULT] task_state_grace.
        self.in_flight = in_flight or reaper.InFlight()
        limit = CONF.max_concurrent_live_migrations
        self._slots = concurrency.Semaphore(limit) if limit else None
        # Migration ids not yet handed to the driver, and those aborted meanwhile.
        self._pending = set()
        self._cancelled = set()
        self.volumes = live_volumes.LiveVolumes(self.driver, self.conductor)

    # Checks (destination, then source)

    def check_destination(self, context, instance, src_cpu_info, block_migration):
        data = self.driver.check_can_live_migrate_destination(context, instance, src_cpu_info,
                                                              block_migration)
        try:
            return self.compute_rpcapi.check_can_live_migrate_source(
                context, instance['host'], instance, data)
        finally:
            self.driver.cleanup_live_migration_destination_check(context, data)

    def check_source(self, context, instance, dest_check_data):
        return self.driver.check_can_live_migrate_source(context, instance, dest_check_data)

    # Destination

    def pre_live_migration(self, context, instance, migration, migrate_data=None):
        """Files, vifs, then the volumes, each connected here too beside the source's
        (when a source of 1.20 or later asks: an older one would not hand them over)."""
        migrate_data = migrate_data or {}
        connect_volumes = migrate_data.get('connect_volumes')
        migrate_data = self.driver.pre_live_migration(context, instance,
                                                      self._network_info(context, instance),
                                                      migrate_data)
        if not connect_volumes:
            return migrate_data
        return dict(migrate_data, volumes=self.volumes.connect(context, instance))

    def rollback_at_destination(self, context, instance, migrate_data):
        self.driver.rollback_live_migration_at_destination(
            context, instance, self._network_info(context, instance), migrate_data)
        self.volumes.disconnect(context, (migrate_data or {}).get('volumes'))

    def post_live_migration_at_destination(self, context, instance):
        state = self.driver.post_live_migration_at_destination(
            context, instance, self._network_info(context, instance))
        if state is not None:
            self.conductor.instance_update(context, instance['uuid'], {'power_state': state},
                                           read_back=False)

    # Source

    @contextlib.contextmanager
    def _slot(self):
        if self._slots is None:
            yield
            return
        with self._slots:
            yield

    def live_migration(self, context, instance, migration, block_migration, migrate_data=None):
        """Queue for a slot, have the destination prepare, migrate; post or roll back."""
        uuid = instance['uuid']
        self._pending.add(migration['id'])
        try:
            with self.in_flight.track(uuid), self.in_flight.running.operation(uuid):
                self._queued(context, instance, migration, block_migration, migrate_data or {})
        finally:
            self._pending.discard(migration['id'])
            self._cancelled.discard(migration['id'])

    def _queued(self, context, instance, migration, block_migration, migrate_data):
        try:
            with self._slot():
                self._live_migration(context, instance, migration, block_migration,
                                     migrate_data)
        except exception.TaskCancelled as exc:
            # Past its deadline while waiting for a slot: it never starts.
            LOG.warning('Live migration %s of %s cancelled while queued', migration['uuid'],
                        instance['uuid'])
            self._rollback_live(context, instance, migration, 'error', None, exc)

    def _live_migration(self, context, instance, migration, block_migration, migrate_data):
        if migration['id'] in self._cancelled:
            self._rollback_live(context, instance, migration, 'cancelled', None)
            return
        started = time.monotonic()
        try:
            # The record and the destination are told at once: neither waits for the other.
            migration, prepared = concurrency.gather(
                (self._start_preparing, context, migration),
                (self.compute_rpcapi.pre_live_migration, context, migration['dest_compute'],
                 instance, migration, migrate_data))
        except Exception as exc:
            LOG.exception('Preparing the live migration of %s failed', instance['uuid'])
            self._rollback_live(context, instance, migration, 'error', migrate_data, exc)
            return
        migrate_data = prepared or migrate_data
        if migration['id'] in self._cancelled:
            self._rollback_live(context, instance, migration, 'cancelled', migrate_data)
            return
        # From here an abort goes to the driver (no green switch since the check).
        self._pending.discard(migration['id'])
        prepared_in = time.monotonic() - started
        if self._migrate(context, instance, migration, block_migration, migrate_data):
            LOG.info('Live migration %s of %s: prepared in %.2f s, moved and settled in '
                     '%.2f s', migration['uuid'], instance['uuid'], prepared_in,
                     time.monotonic() - started - prepared_in)

    def _start_preparing(self, context, migration):
        """``preparing``, only from ``queued``: a move its host's reaper settled
        while the conductor was slow to hand it over never starts.

        :raises MigrationNotFound: the record is no longer queued.
        """
        return self.conductor.migration_update(context, migration['uuid'],
                                               {'status': 'preparing'},
                                               expected_status=['queued'])

    @contextlib.contextmanager
    def _recorded_running(self, context, migration):
        """Write ``running`` while the body starts the migration, and wait for the
        write on the way out, so that the final status always lands after it."""
        write = concurrency.spawn(self._update_migration, context, migration, 'running')
        try:
            yield
        finally:
            try:
                write.wait()
            except Exception:
                LOG.exception('Recording live migration %s as running failed',
                              migration['uuid'])

    def _migrate(self, context, instance, migration, block_migration, migrate_data):
        """True once the guest moved and the move is settled."""
        def report(progress):
            self.conductor.migration_update(context, migration['uuid'], progress)
        try:
            with self._recorded_running(context, migration):
                self.driver.live_migration(context, instance, migration['dest_compute'],
                                           report, block_migration, migrate_data=migrate_data)
        except exception.MigrationAborted:
            LOG.info('Live migration of %s aborted; it stays here', instance['uuid'])
            self._rollback_live(context, instance, migration, 'cancelled', migrate_data)
            return False
        except exception.TaskCancelled as exc:
            return self._settle_cancelled(context, instance, migration, migrate_data, exc)
        except Exception as exc:
            LOG.exception('Live migration of %s failed; it stays here', instance['uuid'])
            self._rollback_live(context, instance, migration, 'error', migrate_data, exc)
            return False
        try:
            self._post_live(context, instance, migration, migrate_data)
        except Exception:
            # The guest runs on the destination: a rollback now would place the
            # server where its guest is not. Still migrating, the move is
            # completed by this host's reaper (recover) once the conductor answers.
            LOG.exception('Live migration %s of %s moved the guest but could not be '
                          'recorded; it is completed later', migration['uuid'],
                          instance['uuid'])
            return False
        return True

    def _settle_cancelled(self, context, instance, migration, migrate_data, exc):
        """The migration outlived its deadline: end the hypervisor's job (it may
        still be copying in a native thread), then settle where the guest is.

        :returns: True if the guest had moved (the move is completed).
        """
        LOG.warning('Live migration %s of %s cancelled: %s', migration['uuid'],
                    instance['uuid'], exc)
        if self.driver.live_migration_recover(instance):
            self._rollback_live(context, instance, migration, 'error', migrate_data, exc)
            return False
        LOG.info('Live migration %s of %s had moved the guest as it was cancelled; '
                 'completing it', migration['uuid'], instance['uuid'])
        self._post_live(context, instance, migration, migrate_data)
        return True

    def abort(self, context, instance, migration_id):
        """Cancel: one still queued or preparing never starts, a running one is aborted."""
        if migration_id in self._pending:
            LOG.info('Live migration %s of %s cancelled before it started', migration_id,
                     instance['uuid'])
            self._cancelled.add(migration_id)
            return
        self.driver.live_migration_abort(instance)

    def _post_live(self, context, instance, migration, migrate_data, moved_volumes=None):
        """The volumes are handed over before the move is recorded, as Nova does:
        a source that dies between the two still has the migration to settle
        at its restart, and finds there what is left to hand over.

        :param moved_volumes: the volumes connected on the destination, when
            ``migrate_data`` (lost to a restart) cannot say."""
        self.volumes.switch(context, instance,
                            moved_volumes or (migrate_data or {}).get('volumes'))
        self.conductor.migration_complete_live(context, migration['uuid'], {
            'host': migration['dest_compute'], 'node': migration['dest_node'],
            'power_state': power_state.RUNNING})
        try:
            self.driver.post_live_migration_at_source(
                context, instance, self._network_info(context, instance), migrate_data)
        except Exception:
            LOG.exception('Cleaning up after %s left failed', instance['uuid'])
        self.compute_rpcapi.post_live_migration_at_destination(
            context, migration['dest_compute'], instance)

    def _rollback_live(self, context, instance, migration, status, migrate_data, exc=None):
        self.conductor.migration_settle_claims(context, migration['uuid'], 'source')
        self._update_migration(context, migration, status)
        self.conductor.instance_update(context, instance['uuid'], {'task_state': None},
                                       read_back=False)
        if exc is not None:
            self.conductor.instance_fault_create(context, instance['uuid'], 500, str(exc),
                                                 type(exc).__name__, self.host)
        if migrate_data is not None and migration.get('dest_compute'):
            self.compute_rpcapi.rollback_live_migration_at_destination(
                context, migration['dest_compute'], instance, migrate_data)

    # Restart

    def recover(self, context, instance):
        """Settle a live migration this host was running when it stopped, or
        that its conductor lost (the reaper asks once nothing is in flight).

        The guest is where libvirt says: still here (a job left running is
        aborted first) means roll back; gone means libvirt finished the move,
        which is completed now. Either way the volumes follow the guest, as
        the volume API says the destination connected them
        (:meth:`LiveVolumes.left_behind`). :returns: whether there was one
        to settle.
        """
        migration = self.conductor.migration_get_in_progress(context, instance['uuid'],
                                                             'live-migration')
        if migration is None or migration['source_compute'] != self.host:
            return False
        # The destination's volume connections, which migrate_data carried.
        moved = self.volumes.left_behind(context, instance)
        if self.driver.live_migration_recover(instance):
            LOG.warning('Live migration %s of %s was cut short by a restart; the guest runs '
                        'here, rolling back', migration['uuid'], instance['uuid'])
            self._rollback_live(context, instance, migration, 'error',
                                {'volumes': moved} if moved else {})
            self.conductor.instance_update(context, instance['uuid'], {
                'vm_state': vm_states.ACTIVE, 'power_state': power_state.RUNNING},
                read_back=False)
            return True
        LOG.warning('Live migration %s of %s finished while this host was down; completing '
                    'it', migration['uuid'], instance['uuid'])
        # Before the move is recorded, as the handover it completes.
        self.volumes.let_go_leftovers(context, instance)
        self._post_live(context, instance, migration, None, moved)
        return True
