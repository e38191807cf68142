"""A compute host's reaper: none of its instances stays in a task_state for good.

Every ``[DEFAULT] reap_interval`` it looks at the host's instances. One in a
task_state is either in flight here (a build, delete or action of this host
holds or awaits it: :class:`InFlight`) or orphaned, because the message or
the persistence call that would have moved it on was lost to a broker or
database outage, or raised. After ``task_state_grace`` an orphan is
settled without a restart: a build whose guest runs is finished, one without
a guest is handed back to the conductor's lost-build recovery, a delete is
completed, a live migration is settled where libvirt has the guest, any
other task is cleared with a fault. An operation in flight
past its ``task_state_deadlines`` entry has stalled: the instance goes to
ERROR (builds, deletes) or back to its stable state, with a fault naming the
step, and the operation, unless a delete, is cancelled
(:mod:`novalite.compute.cancellation`). Guests no instance of this host owns
(deleted while the host was thought down) are destroyed.
"""

import collections
import contextlib

from oslo_log import log as logging
from oslo_utils import timeutils

from novalite import deadlines, exception
from novalite.compute import build, cancellation, reclaim, vm_states
from novalite.conf import CONF
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

# Task states that end in ERROR when they time out; others clear.
_FAIL_ON_TIMEOUT = (vm_states.NETWORKING, vm_states.BLOCK_DEVICE_MAPPING, vm_states.SPAWNING,
                    vm_states.DELETING, *vm_states.REBUILD_STATES)


class InFlight:
    """The instances this host's operations are working on, or queued for."""

    def __init__(self):
        self._holders = collections.Counter()
        self.running = cancellation.Running()

    @contextlib.contextmanager
    def track(self, instance_uuid):
        self._holders[instance_uuid] += 1
        try:
            yield
        finally:
            self._holders[instance_uuid] -= 1
            if not self._holders[instance_uuid]:
                del self._holders[instance_uuid]

    def __contains__(self, instance_uuid):
        return instance_uuid in self._holders

    def uuids(self):
        return set(self._holders)


class Reaper:
    """Settles orphaned and expired task states of ``manager``'s instances."""

    def __init__(self, manager):
        self.manager = manager
        self.conductor = manager.conductor
        self.host = manager.host

    def reap(self, context):
        instances = self.conductor.instance_get_all_by_host(context, self.host)
        now = timeutils.utcnow()
        for instance in instances:
            # A placed build not yet begun here is the conductor's to recover.
            if instance['task_state'] in (None, vm_states.SCHEDULING):
                continue
            if instance['uuid'] in self.manager.in_flight:
                if deadlines.expired(instance, now):
                    self._expire(context, instance)
            elif deadlines.seconds_in_state(instance, now) > CONF.task_state_grace:
                self.manager.tasks.spawn_n(self._settle, context, instance)
        owned = {instance['uuid'] for instance in instances}
        self.manager.reap_unknown_guests(context, owned | self.manager.in_flight.uuids())

    def _settle(self, context, instance):
        uuid, task_state = instance['uuid'], instance['task_state']
        LOG.warning('Instance %s has stood in %s with nothing in flight on %s; settling it',
                    uuid, task_state, self.host)
        with self.manager.in_flight.track(uuid):
            if task_state == vm_states.DELETING:
                self.manager.terminate(context, instance)
            elif task_state in reclaim.BY_TASK_STATE:
                # A lost soft delete or restore cast: do what was asked.
                self.manager.actions.resume_soft_delete_step(context, instance)
            elif instance['vm_state'] == vm_states.BUILDING:
                self._settle_build(context, instance)
            elif task_state == vm_states.MIGRATING and \
                    self.manager.live.recover(context, instance):
                return
            else:
                self._fault(context, uuid, f"Task state {task_state} was lost (no operation "
                                           f"in flight on {self.host}); cleared",
                            'TaskStateLost')
                self.manager.sync_instance(context, instance, ending=(instance['task_state'],))

    def _settle_build(self, context, instance):
        uuid = instance['uuid']
        if self._guest_state(instance) == power_state.RUNNING:
            LOG.info('The guest of instance %s runs: finishing its build', uuid)
            self._update(context, instance, {
                'vm_state': vm_states.ACTIVE, 'power_state': power_state.RUNNING,
                'task_state': None, 'launched_at': timeutils.utcnow()})
            return
        LOG.info('Instance %s has no running guest: handing its build back to the conductor',
                 uuid)
        build.destroy_quietly(self.manager.driver, self.conductor, context, instance)
        self.conductor.network_deallocate(context, uuid)
        # ``scheduling`` with no host: the conductor's lost-build recovery
        # schedules it again after [conductor] build_recovery_timeout.
        self._update(context, instance, {'task_state': vm_states.SCHEDULING, 'host': None,
                                         'node': None})

    def _guest_state(self, instance):
        try:
            return self.manager.driver.get_info(instance).state
        except exception.InstanceNotFound:
            return power_state.NOSTATE

    def _expire(self, context, instance):
        uuid, task_state = instance['uuid'], instance['task_state']
        message = deadlines.timed_out_message(instance)
        LOG.warning('Instance %s: %s', uuid, message)
        self._fault(context, uuid, message, 'TaskStateTimeout')
        values = {'task_state': None}
        if task_state in _FAIL_ON_TIMEOUT:
            values['vm_state'] = vm_states.ERROR
        self._update(context, instance, values)
        if task_state != vm_states.DELETING:  # a delete always finishes
            self.manager.in_flight.running.cancel(uuid, message)

    def _update(self, context, instance, values):
        try:
            self.conductor.instance_update(
                context, instance['uuid'], values, expected_task_state=instance['task_state'],
                expected_host=self.host, read_back=False)
        except build.GONE:
            LOG.info('Instance %s moved on meanwhile; leaving it', instance['uuid'])

    def _fault(self, context, uuid, message, details):
        try:
            self.conductor.instance_fault_create(context, uuid, 500, message, details,
                                                 self.host)
        except exception.InstanceNotFound:
            pass
