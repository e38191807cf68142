"""Server side of the compute service: owns the instances on this host.

Every state change is persisted (through the conductor) before the slow step
it announces, so :meth:`ComputeManager.init_host` can finish or fail what a
crash interrupted: nothing stays building or deleting forever.
"""

import oslo_messaging as messaging
from oslo_concurrency import lockutils
from oslo_log import log as logging
from oslo_service import periodic_task

from novalite import concurrency, exception
from novalite.compute import (
    action_runner,
    build,
    events,
    image_precache,
    live_moves,
    moves,
    power_sync,
    quiesce,
    reaper,
    rebuild,
    reclaim,
    recovery,
    rescue,
    resource_tracker,
    shelving,
    snapshots,
    usage_audit,
    volumes,
)
from novalite.compute import rpcapi as compute_rpcapi
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.conf import CONF
from novalite.service import Manager
from novalite.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

_TERMINATE_EVENT = 'compute_terminate_instance'


class ComputeManager(periodic_task.PeriodicTasks, Manager):
    target = messaging.Target(version='1.22')

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
        self.quiescer = quiesce.QuiesceOps(self.driver)
        self.rebuilder = rebuild.Rebuilder(self.host, self.driver, self.conductor, self.tracker,
                                           self.tasks, self.in_flight)
        self.power_sync = power_sync.PowerSync(self.host, self.driver, self.conductor,
                                               self.tasks)
        self.actions = action_runner.ActionRunner(self.host, self.driver, self.conductor,
                                                  self.tasks, self.in_flight, self.power_sync)
        self.rescuer = rescue.RescueOps(self.host, self.driver, self.conductor,
                                        self.actions.network_info)
        self.recovery = recovery.Recovery(self)
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
        self.driver.register_event_listener(self.power_sync.on_lifecycle_event)
        self.recovery.run(context)

    def reap_unknown_guests(self, context, known_uuids):
        self.recovery.reap_unknown_guests(context, known_uuids)

    def post_start_hook(self, context):
        self.tracker.report(context)

    def cleanup_host(self):
        """Let in-flight builds and actions finish, then release the hypervisor.

        Those still running after ``[compute] shutdown_operation_wait`` (a
        hung hypervisor call) are cancelled, so a stop never waits on them.
        """
        if not concurrency.wait_all(self.tasks, CONF.compute.shutdown_operation_wait):
            running = self.in_flight.running
            for uuid in running.uuids():
                running.cancel(uuid, f'The compute service on {self.host} stopped while this '
                                     f'step was running')
            # Cancelled, they only undo what they made; a delete still ends.
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

    # Rebuild and evacuation (novalite.compute.rebuild)

    def rebuild_instance(self, context, instance, orig_image_ref, image_ref, injected_files,
                         new_pass, preserve_ephemeral=False, recreate=False, migration=None,
                         scheduled_node=None, target_state=None, reimage_boot_volume=False):
        self.rebuilder.submit(context, instance, orig_image_ref=orig_image_ref,
                              image_ref=image_ref, injected_files=injected_files,
                              new_pass=new_pass, preserve_ephemeral=preserve_ephemeral,
                              recreate=recreate, migration=migration,
                              scheduled_node=scheduled_node, target_state=target_state,
                              reimage_boot_volume=reimage_boot_volume)

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

    def quiesce_instance(self, context, instance):
        self.quiescer.quiesce(context, instance)

    def unquiesce_instance(self, context, instance, mapping=None):
        self.tasks.spawn_n(self.quiescer.unquiesce, context, instance, mapping)

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
        self.actions.power(context, instance, 'start')

    def stop_instance(self, context, instance):
        self.actions.power(context, instance, 'stop')

    def pause_instance(self, context, instance):
        self.actions.power(context, instance, 'pause')

    def unpause_instance(self, context, instance):
        self.actions.power(context, instance, 'unpause')

    def suspend_instance(self, context, instance):
        self.actions.power(context, instance, 'suspend')

    def resume_instance(self, context, instance):
        self.actions.power(context, instance, 'resume')

    def reboot_instance(self, context, instance, reboot_type):
        self.actions.reboot(context, instance, reboot_type)

    # Soft delete (novalite.compute.reclaim)

    def soft_delete_instance(self, context, instance):
        self.actions.soft_delete_step(context, instance, reclaim.SOFT_DELETE)

    def restore_instance(self, context, instance):
        self.actions.soft_delete_step(context, instance, reclaim.RESTORE)

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

    def get_host_uptime(self, context):
        return self.driver.get_host_uptime()

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

    def sync_instance(self, context, instance, observed=None, ending=()):
        self.power_sync.sync(context, instance, observed, ending)

    @periodic_task.periodic_task(spacing=CONF.compute.sync_power_state_interval,
                                 run_immediately=False)
    def _sync_power_states(self, context):
        if CONF.compute.sync_power_state_interval >= 0:
            self.power_sync.sync_idle(context)

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

    def cache_images(self, context, image_ids):
        """Pre-cache images (1.14); ``{image_id: status}``, see :mod:`.image_precache`."""
        return image_precache.cache_images(self.driver, context, image_ids)

    @periodic_task.periodic_task(spacing=600, run_immediately=False)
    def _manage_image_cache(self, context):
        self.driver.manage_image_cache(
            context, self.conductor.instance_get_all_by_host(context, self.host))
