"""Server side of the compute service: owns the instances on this host.

Every state change is persisted (through the conductor) before the slow step
it announces, so :meth:`ComputeManager.init_host` can finish or fail what a
crash interrupted: nothing stays building or deleting forever.
"""

import oslo_messaging as messaging
from oslo_concurrency import lockutils
from oslo_log import log as logging
from oslo_service import periodic_task

from novalite import concurrency, exception, objects
from novalite.compute import (
    boot_volumes,
    build,
    events,
    live_moves,
    moves,
    reaper,
    rebuild,
    reclaim,
    rescue,
    resource_tracker,
    shelving,
    snapshots,
    usage_audit,
    vm_states,
    volumes,
)
from novalite.compute import rpcapi as compute_rpcapi
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.conf import CONF
from novalite.service import Manager
from novalite.virt import driver as virt_driver
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

_TERMINATE_EVENT = 'compute_terminate_instance'
_IMAGE_TASK_STATES = vm_states.SNAPSHOT_TASK_STATES
_SHELVE_TASK_STATES = (*vm_states.SHELVING_TASK_STATES, vm_states.SHELVING_OFFLOADING,
                       vm_states.UNSHELVING)

# (action, task_state while running, driver call, vm_state after, power_state after)
_POWER_ACTIONS = {
    'start': (vm_states.POWERING_ON, 'power_on', vm_states.ACTIVE, power_state.RUNNING),
    'stop': (vm_states.POWERING_OFF, 'power_off', vm_states.STOPPED, power_state.SHUTDOWN),
    'pause': (vm_states.PAUSING, 'pause', vm_states.PAUSED, power_state.PAUSED),
    'unpause': (vm_states.UNPAUSING, 'unpause', vm_states.ACTIVE, power_state.RUNNING),
    'suspend': (vm_states.SUSPENDING, 'suspend', vm_states.SUSPENDED, power_state.SUSPENDED),
    'resume': (vm_states.RESUMING, 'resume', vm_states.ACTIVE, power_state.RUNNING),
}


class ComputeManager(periodic_task.PeriodicTasks, Manager):
    target = messaging.Target(version='1.13')

    def __init__(self, host=None, driver=None):
        super().__init__(CONF)
        self.host = host or CONF.host
        self.conductor = conductor_rpcapi.ConductorAPI()
        self.driver = driver or virt_driver.load_driver(CONF.compute_driver)
        self.tracker = resource_tracker.ResourceTracker(self.host, self.driver, self.conductor)
        # Every operation runs in this pool, outside the RPC dispatch, so that
        # a graceful stop can wait for the ones in flight.
        self.tasks = concurrency.GreenPool()
        self.in_flight = reaper.InFlight()
        self.builder = build.Builder(self.host, self.driver, self.conductor, self.tracker,
                                     self.tasks, self.in_flight)
        self.reaper = reaper.Reaper(self)
        self.mover = moves.Mover(self.host, self.driver, self.conductor,
                                 compute_rpcapi.ComputeAPI(), self.tasks)
        self.live = live_moves.LiveMover(self.host, self.driver, self.conductor,
                                         compute_rpcapi.ComputeAPI(), self.tasks,
                                         in_flight=self.in_flight)
        self.volumes = volumes.VolumeOps(self.host, self.driver, self.conductor)
        self.snapshots = snapshots.SnapshotOps(self)
        self.shelver = shelving.ShelveOps(self, self.snapshots)
        self.rebuilder = rebuild.Rebuilder(self.host, self.driver, self.conductor, self.tracker,
                                           self.tasks, self.in_flight)
        self.rescuer = rescue.RescueOps(self.host, self.driver, self.conductor,
                                        self._network_info)
        # Spacings from config, read now rather than when the module was imported.
        self._periodic_spacing = dict(
            self._periodic_spacing,
            _sync_power_states=abs(CONF.compute.sync_power_state_interval),
            _report_resources=CONF.compute.resource_report_interval,
            _reap_task_states=CONF.reap_interval,
            _offload_shelved=abs(CONF.shelved_poll_interval),
            _reclaim_queued_deletes=CONF.reclaim_instance_interval if
            CONF.reclaim_instance_interval > 0 else 60)

    # Start and stop

    def init_host(self, context):
        self.driver.init_host(self.host)
        self.driver.register_event_listener(self._on_lifecycle_event)
        # Before anything is started: a server evacuated while this host was
        # down must never run here again.
        rebuild.destroy_evacuated(context, self.host, self.driver, self.conductor)
        known = self.conductor.instance_get_all_by_host(context, self.host)
        for instance in known:
            self._recover(context, instance)
            if instance['vm_state'] != vm_states.BUILDING and \
                    instance['task_state'] != vm_states.DELETING:
                self.volumes.reconcile(context, instance)
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
            self._destroy_quietly(context, instance)

    def _recover(self, context, instance):
        """Settle an instance a crash left mid-way, as Nova's init_host does."""
        uuid = instance['uuid']
        if instance['task_state'] == vm_states.DELETING:
            LOG.info('Completing the delete of instance %s', uuid)
            self.terminate(context, instance)
        elif instance['task_state'] in _IMAGE_TASK_STATES:
            LOG.info('Settling the interrupted %s of instance %s', instance['task_state'], uuid)
            self.snapshots.recover(context, instance)
            self.sync_instance(context, instance, clear_task_state=True)
        elif instance['task_state'] in _SHELVE_TASK_STATES or \
                instance['vm_state'] == vm_states.SHELVED_OFFLOADED:
            LOG.info('Settling the interrupted %s of instance %s', instance['task_state'], uuid)
            self.shelver.recover(context, instance)
        elif instance['task_state'] in vm_states.REBUILD_STATES:
            # Its old guest may be half gone and its new one half made, as Nova says.
            LOG.warning('Instance %s was being rebuilt when this host stopped', uuid)
            self.builder.set_error(context, instance, exception.InstanceDeployFailure(
                reason='the compute host restarted during the rebuild'))
        elif instance['task_state'] in reclaim.BY_TASK_STATE:
            LOG.info('Completing %s of instance %s', instance['task_state'], uuid)
            self._soft_delete_step(context, instance, reclaim.BY_TASK_STATE[
                instance['task_state']])
        elif instance['vm_state'] == vm_states.BUILDING:
            LOG.warning('Instance %s was building when this host stopped', uuid)
            self._destroy_quietly(context, instance)
            self.builder.volumes.release(context, instance)
            self.builder.set_error(context, instance, exception.BuildAbortException(
                instance_uuid=uuid, reason='the compute host restarted during the build'))
        elif instance['task_state'] == vm_states.MIGRATING and \
                self.live.recover(context, instance):
            return
        elif self.rescuer.recover(context, instance):
            pass
        elif instance['task_state'] is not None:
            LOG.info('Clearing task_state %s of instance %s', instance['task_state'], uuid)
            self.sync_instance(context, instance, clear_task_state=True)

    def post_start_hook(self, context):
        self.tracker.report(context)

    def cleanup_host(self):
        """Let in-flight builds and actions finish, then release the hypervisor."""
        self.tasks.waitall()
        self.driver.cleanup_host(self.host)

    # Build and delete

    def build_and_run_instance(self, context, instance, node, request_spec,
                               filter_properties, host_list):
        self.builder.submit(context, instance, node, request_spec, filter_properties,
                            host_list)

    def terminate_instance(self, context, instance):
        self.tasks.spawn_n(self.terminate, context, instance)

    def terminate(self, context, instance):
        uuid = instance['uuid']
        with self.in_flight.track(uuid), lockutils.lock(uuid):
            try:
                self.conductor.action_event_start(context, uuid, context.request_id,
                                                  _TERMINATE_EVENT, self.host)
                with events.error_event(self.conductor, context, uuid, _TERMINATE_EVENT,
                                        self.host):
                    self.driver.destroy(context, instance,
                                        self.conductor.network_get(context, uuid))
                    self.volumes.release_all(context, instance)
                    self.conductor.instance_destroy(
                        context, uuid, events.succeeded(_TERMINATE_EVENT, self.host))
            except exception.InstanceNotFound:
                LOG.debug('Instance %s was already deleted', uuid)
        self.tracker.report_soon(context)

    def _destroy_quietly(self, context, instance):
        build.destroy_quietly(self.driver, self.conductor, context, instance)

    # Rebuild and evacuation (novalite.compute.rebuild)

    def rebuild_instance(self, context, instance, orig_image_ref, image_ref, injected_files,
                         new_pass, preserve_ephemeral=False, recreate=False, migration=None,
                         scheduled_node=None, target_state=None):
        self.rebuilder.submit(context, instance, orig_image_ref=orig_image_ref,
                              image_ref=image_ref, injected_files=injected_files,
                              new_pass=new_pass, preserve_ephemeral=preserve_ephemeral,
                              recreate=recreate, migration=migration,
                              scheduled_node=scheduled_node, target_state=target_state)

    # Volumes (novalite.compute.volumes)

    def attach_volume(self, context, instance, bdm):
        self.tasks.spawn_n(self.volumes.attach, context, instance, bdm)

    def detach_volume(self, context, instance, bdm):
        self.tasks.spawn_n(self.volumes.detach, context, instance, bdm)

    # Images and shelving (novalite.compute.snapshots, novalite.compute.shelving)

    def snapshot_instance(self, context, instance, image_id):
        self.tasks.spawn_n(self.snapshots.snapshot, context, instance, image_id)

    def backup_instance(self, context, instance, image_id, backup_type, rotation):
        self.tasks.spawn_n(self.snapshots.backup, context, instance, image_id, backup_type,
                           rotation)

    def shelve_instance(self, context, instance, image_id, clean_shutdown=True):
        self.tasks.spawn_n(self.shelver.shelve, context, instance, image_id, clean_shutdown)

    def shelve_offload_instance(self, context, instance, clean_shutdown=True):
        self.tasks.spawn_n(self.shelver.shelve_offload, context, instance, clean_shutdown)

    def unshelve_instance(self, context, instance, image=None, node=None):
        self.tasks.spawn_n(self.shelver.unshelve, context, instance, image, node)

    # External events (os-server-external-events)

    def external_instance_event(self, context, instances, events):
        """Act on what another service says happened to our servers (Nova's names).

        ``volume-extended`` grows the guest's disk; the network events have
        nothing waiting for them here (novalite's network plugs no vifs
        asynchronously), so they are only logged.
        """
        by_uuid = {instance['uuid']: instance for instance in instances}
        for event in events:
            instance = by_uuid.get(event['instance_uuid'])
            if instance is not None and event['name'] == 'volume-extended':
                self.tasks.spawn_n(self.volumes.extend, context, instance, event['tag'])
            else:
                LOG.debug("External event %s (%s) for %s: nothing to do", event['name'],
                          event.get('tag'), event['instance_uuid'])

    # Power

    def start_instance(self, context, instance):
        self._power_action(context, instance, 'start')

    def stop_instance(self, context, instance):
        self._power_action(context, instance, 'stop')

    def pause_instance(self, context, instance):
        self._power_action(context, instance, 'pause')

    def unpause_instance(self, context, instance):
        self._power_action(context, instance, 'unpause')

    def suspend_instance(self, context, instance):
        self._power_action(context, instance, 'suspend')

    def resume_instance(self, context, instance):
        self._power_action(context, instance, 'resume')

    def reboot_instance(self, context, instance, reboot_type):
        task_state = vm_states.REBOOTING_HARD if reboot_type == 'HARD' else vm_states.REBOOTING
        self._spawn_action(context, instance, 'compute_reboot_instance', task_state,
                           {'vm_state': vm_states.ACTIVE, 'power_state': power_state.RUNNING},
                           self._with_volumes(self.driver.reboot), reboot_type)

    # Soft delete (novalite.compute.reclaim)

    def soft_delete_instance(self, context, instance):
        self._soft_delete_step(context, instance, reclaim.SOFT_DELETE)

    def restore_instance(self, context, instance):
        self._soft_delete_step(context, instance, reclaim.RESTORE)

    def _soft_delete_step(self, context, instance, step):
        event, task_state, method, final_values = step
        self._spawn_action(context, instance, event, task_state, final_values,
                           getattr(self.driver, method))

    def _power_action(self, context, instance, action):
        task_state, method, vm_state, power = _POWER_ACTIONS[action]
        driver_call = getattr(self.driver, method)
        if action == 'start':
            driver_call = self._with_volumes(driver_call)
        self._spawn_action(context, instance, f'compute_{action}_instance', task_state,
                           {'vm_state': vm_state, 'power_state': power}, driver_call)

    def _with_volumes(self, driver_call):
        """``driver_call`` given the volumes of the instance's block device mappings:
        a guest defined anew (hard reboot, start) gets its disks from them."""
        def call(context, instance, network_info, *args):
            bdms = self.conductor.bdm_get_by_instance(context, instance['uuid'])
            return driver_call(context, instance, network_info, *args,
                               block_device_info=boot_volumes.block_device_info(bdms))
        return call

    def _network_info(self, context, instance):
        """The instance's vifs: the cache it carries (Instance 1.1), else the conductor's."""
        if 'network_info' in instance:
            return instance['network_info']
        return self.conductor.network_get(context, instance['uuid'])

    def _spawn_action(self, context, instance, event, task_state, final_values, driver_call,
                      *args):
        """Run ``driver_call(context, instance, network_info, *args)`` in the task pool.

        It runs under the instance's lock as action ``event``; then the
        instance takes ``final_values`` if it is still in ``task_state``.
        """
        self.tasks.spawn_n(self._run_action, context, instance, event, task_state,
                           final_values, driver_call, args)

    def _run_action(self, context, instance, event, task_state, final_values, driver_call,
                    args):
        uuid = instance['uuid']
        with self.in_flight.track(uuid), lockutils.lock(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, event, self.host):
                    driver_call(context, instance, self._network_info(context, instance),
                                *args)
            except Exception as exc:
                LOG.exception('%s of instance %s failed', event, uuid)
                if events.record_fault(self.conductor, context, uuid, exc, self.host):
                    self.sync_instance(context, instance, clear_task_state=True)
                return
            try:
                self.conductor.instance_update(context, uuid, dict(final_values, task_state=None),
                                               expected_task_state=task_state, read_back=False)
            except build.GONE:
                LOG.info('Instance %s changed during %s', uuid, event)

    # Rescue and passwords (see novalite.compute.rescue)

    def rescue_instance(self, context, instance, rescue_password, rescue_image_ref=None):
        self.tasks.spawn_n(self._tracked, self.rescuer.rescue, context, instance,
                           rescue_password, rescue_image_ref)

    def unrescue_instance(self, context, instance):
        self.tasks.spawn_n(self._tracked, self.rescuer.unrescue, context, instance)

    @messaging.expected_exceptions(exception.InstanceAgentNotEnabled,
                                   exception.QemuGuestAgentNotEnabled,
                                   exception.SetAdminPasswdNotSupported,
                                   exception.InstancePasswordSetFailed,
                                   exception.PasswordSetNotImplemented,
                                   exception.InstanceNotFound)
    def set_admin_password(self, context, instance, new_pass):
        with self.in_flight.track(instance['uuid']):
            self.rescuer.set_admin_password(context, instance, new_pass)

    def _tracked(self, operation, context, instance, *args):
        with self.in_flight.track(instance['uuid']):
            operation(context, instance, *args)

    @messaging.expected_exceptions(exception.ConsoleTypeUnavailable,
                                   exception.InstanceNotFound)
    def get_vnc_console(self, context, instance):
        return self.driver.get_vnc_console(context, instance)._asdict()

    @messaging.expected_exceptions(exception.ConsoleTypeUnavailable,
                                   exception.InstanceNotFound)
    def get_serial_console(self, context, instance):
        return self.driver.get_serial_console(context, instance)._asdict()

    def trigger_crash_dump(self, context, instance):
        # Not under the instance's lock: an NMI is how one gets at a guest
        # that hangs, maybe in the middle of another action.
        try:
            self.driver.trigger_crash_dump(instance)
        except Exception:
            LOG.exception("Could not send an NMI to instance %s", instance['uuid'])

    @messaging.expected_exceptions(exception.InstanceDiagnosticsNotSupported,
                                   exception.InstanceNotFound)
    def get_instance_diagnostics(self, context, instance):
        try:
            return self.driver.get_instance_diagnostics(instance)
        except NotImplementedError:
            raise exception.InstanceDiagnosticsNotSupported() from None

    def get_console_output(self, context, instance, tail_length=None):
        output = self.driver.get_console_output(context, instance)
        if tail_length is None:
            return output
        lines = output.splitlines()
        return '\n'.join(lines[-tail_length:] if tail_length else [])

    # Moves (see novalite.compute.moves)

    def resize_instance(self, context, instance, migration, flavor):
        self.mover.submit(self.mover.resize_instance, context, instance, migration, flavor)

    def finish_resize(self, context, instance, migration, flavor, disk_info):
        self.mover.submit(self.mover.finish_resize, context, instance, migration, flavor,
                          disk_info)
        self.tracker.report_soon(context)

    def confirm_resize(self, context, instance, migration):
        self.mover.submit(self.mover.confirm_resize, context, instance, migration)
        self.tracker.report_soon(context)

    def revert_resize(self, context, instance, migration):
        self.mover.submit(self.mover.revert_resize, context, instance, migration)
        self.tracker.report_soon(context)

    def finish_revert_resize(self, context, instance, migration):
        self.mover.submit(self.mover.finish_revert_resize, context, instance, migration)

    def check_can_live_migrate_destination(self, context, instance, src_cpu_info,
                                           block_migration):
        return self.live.check_destination(context, instance, src_cpu_info, block_migration)

    def check_can_live_migrate_source(self, context, instance, dest_check_data):
        return self.live.check_source(context, instance, dest_check_data)

    def pre_live_migration(self, context, instance, migration, migrate_data=None):
        return self.live.pre_live_migration(context, instance, migration, migrate_data)

    def live_migration(self, context, instance, migration, block_migration, migrate_data=None):
        self.live.submit(self.live.live_migration, context, instance, migration,
                         block_migration, migrate_data)

    def rollback_live_migration_at_destination(self, context, instance, migrate_data):
        self.tasks.spawn_n(self.live.rollback_at_destination, context, instance, migrate_data)

    def post_live_migration_at_destination(self, context, instance):
        self.tasks.spawn_n(self.live.post_live_migration_at_destination, context, instance)

    def live_migration_abort(self, context, instance, migration_id):
        self.live.abort(context, instance, migration_id)

    def live_migration_force_complete(self, context, instance):
        self.driver.live_migration_force_complete(instance)

    # Power-state sync

    def _on_lifecycle_event(self, uuid, state):
        self.tasks.spawn_n(self._record_power_state, uuid, state)

    def _record_power_state(self, uuid, state):
        from novalite import context as novalite_context
        ctxt = novalite_context.get_admin_context()
        try:
            instance = self.conductor.instance_get(ctxt, uuid)
        except exception.InstanceNotFound:
            return
        if instance['host'] == self.host:
            self.sync_instance(ctxt, instance, observed=state)

    def sync_instance(self, context, instance, observed=None, clear_task_state=False):
        """Bring the DB's power_state (and a stopped guest's vm_state) to the hypervisor's."""
        if observed is None:
            try:
                observed = self.driver.get_info(instance).state
            except exception.InstanceNotFound:
                observed = power_state.NOSTATE
        values = {}
        if observed != instance['power_state']:
            values['power_state'] = observed
        if instance['vm_state'] == vm_states.ACTIVE and observed in (
                power_state.SHUTDOWN, power_state.CRASHED):
            values['vm_state'] = vm_states.STOPPED
        if clear_task_state:
            values['task_state'] = None
        if not values:
            return
        # Without a task to clear, only an idle instance is synced: a task in
        # flight owns the state and will set it when it ends. Only while it is
        # still here: a live migration may have moved it since it was read.
        expected = None if clear_task_state else [None]
        try:
            self.conductor.instance_update(context, instance['uuid'], values,
                                           expected_task_state=expected,
                                           expected_host=self.host, read_back=False)
        except build.GONE:
            LOG.debug('Instance %s changed while syncing its power state', instance['uuid'])

    @periodic_task.periodic_task(spacing=CONF.compute.sync_power_state_interval,
                                 run_immediately=False)
    def _sync_power_states(self, context):
        if CONF.compute.sync_power_state_interval < 0:
            return
        for instance in self.conductor.instance_get_all_by_host(context, self.host):
            if instance['task_state'] is None and instance['vm_state'] != vm_states.BUILDING:
                self.sync_instance(context, instance)

    @periodic_task.periodic_task(spacing=30, run_immediately=False)
    def _reap_task_states(self, context):
        self.reaper.reap(context)

    @periodic_task.periodic_task(spacing=3600, run_immediately=False)
    def _offload_shelved(self, context):
        if CONF.shelved_poll_interval >= 0:
            self.shelver.offload_expired(context)

    @periodic_task.periodic_task(spacing=60, run_immediately=False)
    def _reclaim_queued_deletes(self, context):
        if CONF.reclaim_instance_interval > 0:
            reclaim.reclaim(self, context, CONF.reclaim_instance_interval)

    @periodic_task.periodic_task(spacing=600, run_immediately=True)
    def _instance_usage_audit(self, context):
        if CONF.instance_usage_audit:
            usage_audit.run(self.conductor, context, self.host)

    @periodic_task.periodic_task(spacing=CONF.compute.resource_report_interval)
    def _report_resources(self, context):
        self.tracker.report(context)

    @periodic_task.periodic_task(spacing=600, run_immediately=False)
    def _manage_image_cache(self, context):
        self.driver.manage_image_cache(
            context, self.conductor.instance_get_all_by_host(context, self.host))
