"""Move orchestration: pick and claim a destination, record the move, start it.

The API has persisted the server's task (``resize_prep`` or ``migrating``);
the conductor records the migration, hands the server's source claim to the
record, asks the scheduler for a destination (which claims it for the
server) and starts the move on the hosts (:mod:`novalite.compute.moves`).
Without a destination the move ends before it began: the claim goes back to
the server, the record to ``error``, the task is cleared and a fault says why.
"""

import contextlib
import json
import time

from oslo_log import log as logging

from novalite import concurrency, exception, servicegroup
from novalite.compute import vm_states
from novalite.conf import CONF
from novalite.db import actions, instances, server_migrations, services
from novalite.scheduler.request_spec import from_instance as spec_from_instance

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'novalite-compute'


class MoveTask:
    """Start cold and live moves; ``scheduler`` and ``compute`` are the RPC clients."""

    def __init__(self, scheduler, compute):
        self.scheduler = scheduler
        self.compute = compute

    def migrate_server(self, context, instance, flavor, host=None, avoid_hosts=()):
        """Resize to ``flavor`` (or migrate, the same flavor), on ``host`` if named.

        :param avoid_hosts: hosts the scheduler must not pick (a retry's failed ones).
        :returns: the migration record as the move started (or ended, when it could not).
        """
        resize = flavor['id'] != instance['instance_type_id']
        migration = server_migrations.migration_create(
            instance, 'resize' if resize else 'migration', new_flavor_id=flavor['id'])
        with self._ended_on_failure(context, instance, migration):
            same_host = resize and CONF.allow_resize_to_same_host
            spec = self._spec(instance, flavor, host, not same_host, avoid_hosts)
            selection = self._destination(context, instance, migration, spec)
            if selection is None:
                return migration
            migration = server_migrations.migration_update(migration['uuid'], {
                'dest_compute': selection['host'], 'dest_node': selection['nodename']})
            self.compute.resize_instance(context, instance, migration, flavor)
        return migration

    def live_migrate_instance(self, context, instance, host=None, block_migration=None,
                              force=False, avoid_hosts=()):
        """Live-migrate to ``host`` (checked, or forced past the filters) or a scheduled one.

        :returns: as :meth:`migrate_server`.
        """
        migration = server_migrations.migration_create(instance, 'live-migration')
        with self._ended_on_failure(context, instance, migration):
            self._check_live_destination(instance, host)
            spec = self._spec(instance, instance['flavor'], None if force else host, True,
                              avoid_hosts)
            if force and host:
                spec['force_hosts'] = [host]
            started = time.monotonic()
            selection = self._destination(context, instance, migration, spec)
            if selection is None:
                return migration
            claimed = time.monotonic()
            # The hosts' checks first: the record is written while they run.
            migrate_data, migration = concurrency.gather(
                (self._check_live_move, context, instance, selection, block_migration),
                (server_migrations.migration_update, migration['uuid'], {
                    'dest_compute': selection['host'], 'dest_node': selection['nodename']}))
            LOG.debug('Live migration %s of %s: %s claimed in %.2f s, checked in %.2f s',
                      migration['uuid'], instance['uuid'], selection['host'],
                      claimed - started, time.monotonic() - claimed)
            self.compute.live_migration(
                context, instance, migration,
                block_migration=bool(migrate_data.get('block_migration', block_migration)),
                migrate_data=migrate_data)
        return migration

    def _check_live_move(self, context, instance, selection, block_migration):
        """The same hypervisor, not older at the destination; then the hosts' own
        checks (CPU, storage). :returns: ``migrate_data``. :raises MigrationPreCheckError:"""
        source = services.compute_node_get_by_host_and_node(instance['host'], instance['node'])
        dest = services.compute_node_get_by_host_and_node(selection['host'],
                                                          selection['nodename'])
        if source['hypervisor_type'] != dest['hypervisor_type']:
            raise exception.MigrationPreCheckError(
                reason=f"the destination's hypervisor {dest['hypervisor_type']} is not the "
                       f"source's {source['hypervisor_type']}")
        if (dest['hypervisor_version'] or 0) < (source['hypervisor_version'] or 0):
            raise exception.MigrationPreCheckError(
                reason=f"the destination's hypervisor version {dest['hypervisor_version']} "
                       f"is older than the source's {source['hypervisor_version']}")
        if not self.compute.supports_live_checks():
            return {'block_migration': bool(block_migration)}
        return self.compute.check_can_live_migrate_destination(
            context, selection['host'], instance, _cpu_info(source),
            block_migration)

    @contextlib.contextmanager
    def _ended_on_failure(self, context, instance, migration):
        """Whatever stops a move before a compute host took it over ends it cleanly."""
        try:
            yield
        except Exception as exc:
            if not isinstance(exc, exception.NovaliteException):
                LOG.exception('Starting the move of %s failed', instance['uuid'])
            server_migrations.settle_claims(migration['uuid'], 'source')
            self._abandon(context, instance, migration, exc)

    @staticmethod
    def _spec(instance, flavor, host, ignore_source, avoid_hosts=()):
        spec = instances.request_spec_get(instance['uuid']) or spec_from_instance(instance)
        ignored = [instance['host']] if ignore_source else []
        spec = dict(spec, flavor=flavor, num_instances=1, instance_uuids=[instance['uuid']],
                    ignore_hosts=ignored + [h for h in avoid_hosts if h not in ignored],
                    force_hosts=[], force_nodes=[], requested_host=host)
        # The server's zone, not the one it asked for first: a move stays in it.
        spec['availability_zone'] = instance['availability_zone']
        return spec

    def _destination(self, context, instance, migration, spec):
        """Claim a destination for the server, or end the move; the selection or None."""
        server_migrations.hold_source_claim(migration)
        try:
            [[selection, *_alternates]] = self.scheduler.select_destinations(
                context, spec, [instance['uuid']], return_alternates=False)
        except exception.NoValidHost as exc:
            server_migrations.settle_claims(migration['uuid'], 'source')
            self._abandon(context, instance, migration, exc)
            return None
        return selection

    @staticmethod
    def _check_live_destination(instance, host):
        if host is None:
            return
        if host == instance['host']:
            raise exception.MigrationPreCheckError(
                reason=f"The destination {host} is the server's own host.")
        found = services.service_get_all(binary=COMPUTE_BINARY, host=host)
        if not found or not servicegroup.is_up(found[0]) or found[0]['disabled']:
            raise exception.MigrationPreCheckError(
                reason=f"Compute service of {host} is unavailable at this time.")

    @staticmethod
    def _abandon(context, instance, migration, exc):
        message = exc.format_message() if isinstance(exc, exception.NovaliteException) \
            else str(exc)
        LOG.info('Move of %s ended before it began: %s', instance['uuid'], message)
        server_migrations.migration_update(migration['uuid'], {'status': 'error'})
        try:
            instances.instance_update(instance['uuid'], {'task_state': None},
                                      expected_task_state=[vm_states.RESIZE_PREP,
                                                           vm_states.MIGRATING])
        except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
            return
        actions.fault_create(instance['uuid'], getattr(exc, 'code', 500), message,
                             details=type(exc).__name__, host=CONF.host)


def _cpu_info(node):
    info = node.get('cpu_info') or {}
    return info if isinstance(info, dict) else json.loads(info)
