"""Short actions on a compute host: one driver call run as an instance action.

Power changes, reboots and the soft-delete steps all take the same path:
in the task pool, under the instance's lock, recorded as an action event;
on success the instance takes the action's final values if it is still in
the action's task state, on failure it keeps a fault and its task clears.
"""

from oslo_concurrency import lockutils
from oslo_log import log as logging

from novalite.compute import boot_volumes, build, cold_volumes, events, reclaim, vm_states
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

# action: (task_state while running, driver method, vm_state after, power_state after)
POWER_ACTIONS = {
    'start': (vm_states.POWERING_ON, 'power_on', vm_states.ACTIVE, power_state.RUNNING),
    'stop': (vm_states.POWERING_OFF, 'power_off', vm_states.STOPPED, power_state.SHUTDOWN),
    'pause': (vm_states.PAUSING, 'pause', vm_states.PAUSED, power_state.PAUSED),
    'unpause': (vm_states.UNPAUSING, 'unpause', vm_states.ACTIVE, power_state.RUNNING),
    'suspend': (vm_states.SUSPENDING, 'suspend', vm_states.SUSPENDED, power_state.SUSPENDED),
    'resume': (vm_states.RESUMING, 'resume', vm_states.ACTIVE, power_state.RUNNING),
}


class ActionRunner:

    def __init__(self, host, driver, conductor, tasks, in_flight, power_sync):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self.tasks = tasks
        self.in_flight = in_flight
        self.power_sync = power_sync
        self.cold_volumes = cold_volumes.ColdVolumes(driver, conductor)

    def power(self, context, instance, action):
        task_state, method, vm_state, power = POWER_ACTIONS[action]
        driver_call = getattr(self.driver, method)
        if action == 'start':
            driver_call = self.with_volumes(driver_call)
        self.spawn(context, instance, f'compute_{action}_instance', task_state,
                   {'vm_state': vm_state, 'power_state': power}, driver_call)

    def reboot(self, context, instance, reboot_type):
        task_state = vm_states.REBOOTING_HARD if reboot_type == 'HARD' else vm_states.REBOOTING
        self.spawn(context, instance, 'compute_reboot_instance', task_state,
                   {'vm_state': vm_states.ACTIVE, 'power_state': power_state.RUNNING},
                   self.with_volumes(self.driver.reboot), reboot_type)

    def soft_delete_step(self, context, instance, step):
        """``step``: :data:`reclaim.SOFT_DELETE` or :data:`reclaim.RESTORE`."""
        event, task_state, method, final_values = step
        self.spawn(context, instance, event, task_state, final_values,
                   getattr(self.driver, method))

    def resume_soft_delete_step(self, context, instance):
        """Do the soft delete or restore whose task state ``instance`` stands in."""
        self.soft_delete_step(context, instance, reclaim.BY_TASK_STATE[instance['task_state']])

    def with_volumes(self, driver_call):
        """``driver_call`` given the volumes of the instance's block device mappings:
        a guest defined anew (hard reboot, start) gets its disks from them, those a
        failed cold move let go attached here again first."""
        def call(context, instance, network_info, *args):
            bdms, reattached = self.cold_volumes.reattach(
                context, instance, self.conductor.bdm_get_by_instance(context, instance['uuid']))
            result = driver_call(context, instance, network_info, *args,
                                 block_device_info=boot_volumes.block_device_info(bdms))
            self.cold_volumes.complete(context, reattached)
            return result
        return call

    def network_info(self, context, instance):
        """The instance's vifs: the cache it carries (Instance 1.1), else the conductor's."""
        if 'network_info' in instance:
            return instance['network_info']
        return self.conductor.network_get(context, instance['uuid'])

    def spawn(self, context, instance, event, task_state, final_values, driver_call, *args):
        """Run ``driver_call(context, instance, network_info, *args)`` in the task pool.

        It runs under the instance's lock as action ``event``; then the
        instance takes ``final_values`` if it is still in ``task_state``.
        """
        self.tasks.spawn_n(self._run, context, instance, event, task_state, final_values,
                           driver_call, args)

    def _run(self, context, instance, event, task_state, final_values, driver_call, args):
        uuid = instance['uuid']
        with self.in_flight.track(uuid), lockutils.lock(uuid), \
                self.in_flight.running.operation(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, event, self.host):
                    driver_call(context, instance, self.network_info(context, instance), *args)
            except Exception as exc:
                LOG.exception('%s of instance %s failed', event, uuid)
                if events.record_fault(self.conductor, context, uuid, exc, self.host):
                    self.power_sync.sync(context, instance, ending=(task_state,))
                return
            try:
                self.conductor.instance_update(context, uuid, dict(final_values, task_state=None),
                                               expected_task_state=task_state, read_back=False)
            except build.GONE:
                LOG.info('Instance %s changed during %s', uuid, event)
