"""Running host drains in the conductor (beyond Nova; the API records them).

One green thread per drain polls its items every ``[migration]
drain_poll_interval`` seconds: a running item follows its migration record
(a cold move waiting for confirmation is confirmed: a drain moves servers
off for good), a failed one is queued once more to go anywhere but where it
failed, and queued items start while the drain's ``max_outbound`` and the
cloud's ``max_parallel`` allow. Everything it knows is in the database, so
a restarted conductor resumes its drains where they were.
"""


from oslo_log import log as logging

from novalite import concurrency, exception
from novalite import context as context_lib
from novalite.compute import actions, host_drain, move_actions
from novalite.conf import CONF
from novalite.db import host_drains, instances, server_migrations

LOG = logging.getLogger(__name__)

_DONE = ('completed', 'confirmed')
_FAILED = ('error', 'failed', 'cancelled')
# A moved-off attempt plus one retry elsewhere.
_MAX_ATTEMPTS = 2


class DrainTask:
    """``moves`` is the conductor's MoveTask, ``compute`` the compute RPC client."""

    def __init__(self, moves, compute, pool):
        self.moves = moves
        self.compute = compute
        self.pool = pool

    def start(self, context, drain_uuid):
        """Run the drain here, unless another conductor already runs it."""
        if host_drains.drain_claim(drain_uuid, CONF.host):
            self.pool.spawn_n(self._run, context, drain_uuid)

    def resume(self):
        """Resume the drains this conductor ran when it stopped, and unclaimed ones."""
        for drain in host_drains.drain_get_all(status='running'):
            if drain['conductor'] in (CONF.host, None):
                LOG.info('Resuming the drain %s of %s', drain['uuid'], drain['host'])
                self.start(context_lib.get_admin_context(), drain['uuid'])

    def _run(self, context, drain_uuid):
        try:
            while self._step(context, drain_uuid):
                concurrency.sleep(CONF.migration.drain_poll_interval)
        except Exception:
            LOG.exception('The drain %s stopped; a conductor restart resumes it', drain_uuid)

    def _step(self, context, drain_uuid):
        """Observe, then start what fits; False once the drain has ended."""
        drain = host_drains.drain_get(drain_uuid)
        for item in drain['items']:
            if item['status'] == 'running':
                self._observe(context, item)
        drain = host_drains.drain_get(drain_uuid)
        for item in drain['items']:
            if item['status'] == 'queued' and not self._start(context, drain, item):
                break
        items = host_drains.drain_get(drain_uuid)['items']
        if any(item['status'] not in host_drains.FINAL_ITEM_STATUSES for item in items):
            return True
        status = 'failed' if any(i['status'] == 'failed' for i in items) else 'completed'
        host_drains.drain_finish(drain_uuid, status)
        LOG.info('The drain %s of %s is %s', drain_uuid, drain['host'], status)
        return False

    def _start(self, context, drain, item):
        """Start the item's move if the server can move and a slot is free; False when
        no slot is. A server busy with a task waits, without taking a slot."""
        try:
            instance = instances.instance_get(item['instance_uuid'])
        except exception.InstanceNotFound:
            host_drains.item_update(item['id'], {'status': 'skipped',
                                                 'message': 'The server was deleted.'})
            return True
        move = host_drain.move_for(drain['mode'], instance)
        if instance['host'] != drain['host'] or move is None:
            self._end_unmoved(drain, item, instance)
            return True
        if instance['task_state'] is not None:
            self._note(item, f"Waiting for task_state {instance['task_state']} to end.")
            return True
        if not host_drains.item_take_slot(drain, item['id']):
            return False
        try:
            migration = self._begin_move(context, instance, move, item['avoid_hosts'])
        except exception.NovaliteException as exc:
            self._attempt_failed(dict(item, attempts=item['attempts'] + 1), None,
                                 exc.format_message())
        else:
            host_drains.item_update(item['id'], {'migration_uuid': migration['uuid'],
                                                 'move': move, 'message': None})
        return True

    @staticmethod
    def _end_unmoved(drain, item, instance):
        """A server that left the host by other means, or that no move starts from."""
        if instance['host'] != drain['host']:
            host_drains.item_update(item['id'], {
                'status': 'completed', 'message': f"Now on {instance['host']}."})
        else:
            host_drains.item_update(item['id'], {
                'status': 'skipped', 'message': host_drain.unmovable(drain['mode'], instance)})

    @staticmethod
    def _note(item, message):
        if item['message'] != message:
            host_drains.item_update(item['id'], {'message': message})

    def _begin_move(self, context, instance, move, avoid_hosts):
        if move == 'live':
            instance = actions.begin(context, instance, 'live-migration', move_actions.LIVE)
            return self.moves.live_migrate_instance(context, instance, avoid_hosts=avoid_hosts)
        instance = actions.begin(context, instance, 'migrate', move_actions.COLD)
        return self.moves.migrate_server(context, instance, instance['flavor'],
                                         avoid_hosts=avoid_hosts)

    def _observe(self, context, item):
        migration = self._migration_of(item)
        if migration is None:
            self._requeue_if_idle(item)
            return
        if migration['status'] == 'finished':
            self._confirm(context, item)
        elif migration['status'] in _DONE:
            host_drains.item_update(item['id'], {
                'status': 'completed', 'migration_uuid': migration['uuid'],
                'message': f"Moved to {migration['dest_compute']}."})
        elif migration['status'] in _FAILED:
            # A move whose conductor stopped before handing it over failed through
            # no fault of its destination, which the retry may then use again.
            blamed = migration['dest_compute'] if item['migration_uuid'] else None
            self._attempt_failed(dict(item, migration_uuid=migration['uuid']), blamed,
                                 f"Migration {migration['uuid']} ended {migration['status']}.")

    def _confirm(self, context, item):
        try:
            instance = instances.instance_get(item['instance_uuid'])
            move_actions.confirm_resize(context, self.compute, instance)
        except exception.NovaliteException as exc:
            LOG.warning('Draining server %s: confirming its move failed: %s',
                        item['instance_uuid'], exc.format_message())

    @staticmethod
    def _migration_of(item):
        """The item's migration record; for an item whose conductor stopped before it
        noted the record, the server's newest one made since the item started."""
        if item['migration_uuid']:
            return server_migrations.migration_get(item['migration_uuid'])
        # MySQL keeps whole seconds.
        started = item['started_at'][:19]
        newest = server_migrations.migration_get_all(
            {'instance_uuid': item['instance_uuid']}, limit=1, paged=True)
        return newest[0] if newest and newest[0]['created_at'][:19] >= started else None

    def _requeue_if_idle(self, item):
        """A move that never got its record (its conductor stopped): once the server is
        idle again, it counts as a failed attempt."""
        try:
            instance = instances.instance_get(item['instance_uuid'])
        except exception.InstanceNotFound:
            host_drains.item_update(item['id'], {'status': 'skipped',
                                                 'message': 'The server was deleted.'})
            return
        if instance['task_state'] is None:
            self._attempt_failed(item, None, 'The move never started.')

    @staticmethod
    def _attempt_failed(item, destination, message):
        LOG.warning('Draining server %s: %s', item['instance_uuid'], message)
        avoid = item['avoid_hosts'] + ([destination] if destination else [])
        retry = item['attempts'] < _MAX_ATTEMPTS
        host_drains.item_update(item['id'], {
            'status': 'queued' if retry else 'failed', 'avoid_hosts': avoid,
            'migration_uuid': None if retry else item['migration_uuid'],
            'message': message[:255]})
