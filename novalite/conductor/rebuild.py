"""Rebuild orchestration: to the server's own host, or, for an evacuation, a new one.

A rebuild goes straight to the compute host the server is on. An
evacuation's host is down: its migration record takes over the source's
claim (released when the old host comes back and cleans up, see
:mod:`novalite.compute.rebuild`), the scheduler claims a destination (the
named one checked by its filters, or forced past them), and the destination
recreates the server. Without a destination the evacuation ends here: the
record goes to ``error``, the claim back to the server, and the server to
ERROR with a fault, as Nova's conductor does.
"""

from oslo_log import log as logging

from novalite import exception
from novalite.compute import vm_states
from novalite.conductor import migrate
from novalite.conf import CONF
from novalite.db import actions, instances, server_migrations

LOG = logging.getLogger(__name__)


class RebuildTask:
    """Start rebuilds and evacuations; ``scheduler`` and ``compute`` are the RPC clients."""

    def __init__(self, scheduler, compute):
        self.scheduler = scheduler
        self.compute = compute

    def rebuild_instance(self, context, instance, orig_image_ref, image_ref, injected_files,
                         new_pass, preserve_ephemeral=False, recreate=False, host=None,
                         force=False, migration=None, target_state=None):
        kwargs = {'orig_image_ref': orig_image_ref, 'image_ref': image_ref,
                  'injected_files': injected_files, 'new_pass': new_pass,
                  'preserve_ephemeral': preserve_ephemeral, 'target_state': target_state}
        if not recreate:
            self.compute.rebuild_instance(context, instance['host'], instance, **kwargs)
            return
        selection = self._destination(context, instance, migration, host, force)
        if selection is None:
            return
        migration = server_migrations.migration_update(migration['uuid'], {
            'dest_compute': selection['host'], 'dest_node': selection['nodename'],
            'status': 'pre-migrating'})
        self.compute.rebuild_instance(context, selection['host'], instance, recreate=True,
                                      migration=migration, scheduled_node=selection['nodename'],
                                      **kwargs)

    def _destination(self, context, instance, migration, host, force):
        """Claim the destination of an evacuation, or end it; the selection or None."""
        spec = migrate.MoveTask._spec(instance, instance['flavor'], None if force else host,
                               ignore_source=True)
        if force and host:
            spec['force_hosts'] = [host]
        server_migrations.hold_source_claim(migration)
        try:
            [[selection, *_alternates]] = self.scheduler.select_destinations(
                context, spec, [instance['uuid']], return_alternates=False)
        except Exception as exc:
            if not isinstance(exc, exception.NovaliteException):
                LOG.exception('Scheduling the evacuation of %s failed', instance['uuid'])
            server_migrations.settle_claims(migration['uuid'], 'source')
            self._fail(instance, migration, exc)
            return None
        return selection

    @staticmethod
    def _fail(instance, migration, exc):
        message = exc.format_message() if isinstance(exc, exception.NovaliteException) \
            else str(exc)
        LOG.warning('Evacuation of %s found no destination: %s', instance['uuid'], message)
        server_migrations.migration_update(migration['uuid'], {'status': 'error'})
        try:
            instances.instance_update(instance['uuid'],
                                      {'vm_state': vm_states.ERROR, 'task_state': None},
                                      expected_task_state=[vm_states.REBUILDING])
        except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
            return
        actions.fault_create(instance['uuid'], getattr(exc, 'code', 500), message,
                             details=type(exc).__name__, host=CONF.host)
