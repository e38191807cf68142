"""A compute host's start: settle what a crash left mid-way, as Nova's init_host does.

Every operation persists its task state before its slow step, so at start
each instance of this host says what it was doing; this finishes it, fails
it with a fault, or clears it. Guests no live instance owns are destroyed.
"""

from oslo_log import log as logging

from novalite import exception, objects
from novalite.compute import build, rebuild, reclaim, vm_states

LOG = logging.getLogger(__name__)

_IMAGE_TASK_STATES = vm_states.SNAPSHOT_TASK_STATES
_SHELVE_TASK_STATES = (*vm_states.SHELVING_TASK_STATES, vm_states.SHELVING_OFFLOADING,
                       vm_states.UNSHELVING)
# Mid cold move a mapping may name an attachment no host is connected to
# (:mod:`cold_volumes`): reconciling it with a guest here would free the volume.
_COLD_MOVE_TASK_STATES = (vm_states.RESIZE_MIGRATING, vm_states.RESIZE_MIGRATED,
                          vm_states.RESIZE_FINISH, vm_states.RESIZE_REVERTING)


class Recovery:

    def __init__(self, manager):
        self.manager = manager
        self.host = manager.host
        self.driver = manager.driver
        self.conductor = manager.conductor

    def run(self, context):
        # Before anything is started: a server evacuated while this host was
        # down must never run here again.
        rebuild.destroy_evacuated(context, self.host, self.driver, self.conductor)
        known = self.conductor.instance_get_all_by_host(context, self.host)
        for instance in known:
            self.recover(context, instance)
            if instance['vm_state'] != vm_states.BUILDING and instance['task_state'] not in (
                    vm_states.DELETING, *_COLD_MOVE_TASK_STATES):
                self.manager.volumes.reconcile(context, instance)
        self.reap_unknown_guests(context, {instance['uuid'] for instance in known})

    def reap_unknown_guests(self, context, known_uuids):
        """Destroy guests the database does not place on this host (deleted while we were down)."""
        for uuid in set(self.driver.list_instance_uuids()) - known_uuids:
            try:
                instance = self.conductor.instance_get(context, uuid)
            except exception.InstanceNotFound:
                instance = objects.Instance(uuid=uuid)
            if instance.get('host') not in (None, self.host):
                continue
            LOG.warning('Destroying guest %s, which no live instance on this host owns', uuid)
            build.destroy_quietly(self.driver, self.conductor, context, instance)

    def recover(self, context, instance):
        uuid, task_state = instance['uuid'], instance['task_state']
        manager = self.manager
        if task_state == vm_states.DELETING:
            LOG.info('Completing the delete of instance %s', uuid)
            manager.terminate(context, instance)
        elif task_state in _IMAGE_TASK_STATES:
            LOG.info('Settling the interrupted %s of instance %s', task_state, uuid)
            manager.snapshots.recover(context, instance)
            manager.sync_instance(context, instance, ending=(instance['task_state'],))
        elif task_state in _SHELVE_TASK_STATES or \
                instance['vm_state'] == vm_states.SHELVED_OFFLOADED:
            LOG.info('Settling the interrupted %s of instance %s', task_state, uuid)
            manager.shelver.recover(context, instance)
        elif task_state in vm_states.REBUILD_STATES:
            # Its old guest may be half gone and its new one half made, as Nova says.
            LOG.warning('Instance %s was being rebuilt when this host stopped', uuid)
            manager.builder.set_error(context, instance, exception.InstanceDeployFailure(
                reason='the compute host restarted during the rebuild'))
        elif task_state in reclaim.BY_TASK_STATE:
            LOG.info('Completing %s of instance %s', task_state, uuid)
            manager.actions.resume_soft_delete_step(context, instance)
        elif instance['vm_state'] == vm_states.BUILDING:
            self._fail_build(context, instance)
        elif task_state == vm_states.MIGRATING and manager.live.recover(context, instance):
            return
        elif manager.rescuer.recover(context, instance):
            return
        elif task_state is not None:
            LOG.info('Clearing task_state %s of instance %s', task_state, uuid)
            manager.sync_instance(context, instance, ending=(instance['task_state'],))

    def _fail_build(self, context, instance):
        uuid = instance['uuid']
        if instance['task_state'] == vm_states.SCHEDULING:
            # Placed here, its build not begun: the cast waits in this host's
            # queue for the RPC server about to start (or, lost, the conductor
            # schedules it again). A host seen up while it starts gets these.
            LOG.info('Instance %s was placed here and its build has not begun; leaving it '
                     'to its build message', uuid)
            return
        LOG.warning('Instance %s was building when this host stopped', uuid)
        build.destroy_quietly(self.driver, self.conductor, context, instance)
        self.manager.builder.volumes.release(context, instance)
        self.manager.builder.set_error(context, instance, exception.BuildAbortException(
            instance_uuid=uuid, reason='the compute host restarted during the build'))
