"""Client side of the compute service's RPC interface.

Messages go to ``compute.<host>``, the host that owns the instance.

Version history:

* 1.0 - Initial version: build_and_run_instance, terminate_instance,
  start_instance, stop_instance, reboot_instance, pause_instance,
  unpause_instance, suspend_instance, resume_instance, get_console_output.
  Instances, request specs and selections are plain dicts.
* 1.1 - Instances are Instance objects; build_and_run_instance's
  request_spec is a RequestSpec and host_list a list of Selections.
* 1.2 - build_and_run_instance's RequestSpec 1.1 carries the server group
  and the personality files.
* 1.3 - get_vnc_console, get_serial_console: where a console proxy connects.
* 1.4 - Moves: resize_instance, finish_resize, confirm_resize, revert_resize,
  finish_revert_resize, pre_live_migration, live_migration,
  post_live_migration_at_destination, live_migration_abort,
  live_migration_force_complete.
* 1.5 - trigger_crash_dump.
* 1.6 - get_instance_diagnostics.
* 1.7 - attach_volume, detach_volume (the block device mapping as a dict).
* 1.8 - rebuild_instance (rebuild, and evacuate with recreate).
* 1.9 - Images and shelving: snapshot_instance, backup_instance,
  shelve_instance, shelve_offload_instance, unshelve_instance.
* 1.10 - rescue_instance, unrescue_instance (casts), set_admin_password (a
  call: the API answers what the guest's agent said).
* 1.11 - external_instance_event (os-server-external-events; volume-extended
  grows the guest's disk).
* 1.12 - Live migration checks and migrate_data: check_can_live_migrate_destination,
  check_can_live_migrate_source, rollback_live_migration_at_destination;
  pre_live_migration and live_migration take (and the first returns) migrate_data.
* 1.13 - soft_delete_instance, restore_instance (``reclaim_instance_interval``).
* 1.14 - cache_images (a call: the host answers what became of each image).
* 1.15 - quiesce_instance (a call), unquiesce_instance (a cast with the image's
  mapping: the host thaws once its snapshots are taken), for createImage of
  a volume-backed server.
* 1.17 - attach_volume, detach_volume: the block device mapping is a
  BlockDeviceMapping object.
* 1.18 - rebuild_instance takes reimage_boot_volume (2.93: the new image is
  written over a volume-backed server's boot volume).
* 1.19 - get_host_uptime (a call: what ``uptime`` says on the host).
* 1.20 - pre_live_migration's migrate_data says ``connect_volumes``: the
  destination attaches and connects the server's volumes and answers them in
  ``migrate_data['volumes']``, which rollback_live_migration_at_destination
  gets back. Below 1.20 a destination is never asked to.
* 1.21 - finish_resize and finish_revert_resize: the host the guest left
  let go of its volumes (an empty attachment each), which the receiver
  attaches and connects. Below 1.21 the host a guest leaves keeps them.
* 1.22 - build_and_run_instance's filter_properties carry the retry record as
  a SchedulerRetries.
"""

from oslo_log import log as logging

from novalite import exception, objects, rpc
from novalite.compute import move_rpcapi
from novalite.conf import CONF
from novalite.objects import scheduler_retries

LOG = logging.getLogger(__name__)

TOPIC = 'compute'

# The object versions readers know, at each RPC version that changed them (a
# reader at a version between two entries knows the older's; see rpc.object_versions_at).
OBJECT_HISTORY = {
    '1.1': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.0', 'Selection': '1.0'},
    '1.2': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.1', 'Selection': '1.0'},
    '1.4': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.2', 'Selection': '1.0',
            'Migration': '1.0'},
    '1.17': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.2', 'Selection': '1.0',
             'Migration': '1.0', 'BlockDeviceMapping': '1.0'},
    '1.22': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.2', 'Selection': '1.0',
             'Migration': '1.0', 'BlockDeviceMapping': '1.0', 'SchedulerRetries': '1.0'},
}


class ComputeAPI(move_rpcapi.MoveRPC):
    VERSION = '1.22'

    def __init__(self):
        self.client = rpc.get_client(TOPIC, '1.0', version_cap=CONF.upgrade_levels.compute,
                                     object_history=OBJECT_HISTORY)

    def _send(self, context, host, versions, method, kind='cast', **kwargs):
        """Send ``method`` to ``host`` at the first of ``versions`` the cap allows.

        ``kwargs`` carry the payloads as objects, which the serializer sends
        at the versions the cap knew (``OBJECT_HISTORY``); a compute capped
        below all of ``versions`` gets 1.0 and plain dicts.
        """
        version = rpc.newest_sendable(self.client, versions)
        if version is None:
            version = '1.0'
            kwargs = {key: objects.base.to_legacy(value) for key, value in kwargs.items()}
        cctxt = self.client.prepare(server=host, version=version)
        return getattr(cctxt, kind)(context, method, **kwargs)

    def _cast(self, context, host, method, versions, **kwargs):
        self._send(context, host, versions, method, **kwargs)

    def build_and_run_instance(self, context, host, instance, node, request_spec,
                               filter_properties, host_list):
        """Build ``instance`` on ``node`` of ``host``; ``host_list`` are its alternates.

        ``filter_properties``' retry record goes as a SchedulerRetries from
        1.22, to an older compute as a dict.
        """
        retries_known = self.client.can_send_version('1.22')
        self._cast(context, host, 'build_and_run_instance', ('1.22', '1.2', '1.1'),
                   instance=objects.Instance.coerce(instance), node=node,
                   request_spec=objects.RequestSpec.coerce(request_spec),
                   filter_properties=scheduler_retries.filter_properties_for(
                       filter_properties, retries_known),
                   host_list=[objects.Selection.coerce(selection) for selection in host_list])

    def terminate_instance(self, context, instance):
        self._cast(context, instance['host'], 'terminate_instance', ('1.1',),
                   instance=objects.Instance.coerce(instance))

    def start_instance(self, context, instance):
        self._cast(context, instance['host'], 'start_instance', ('1.1',),
                   instance=objects.Instance.coerce(instance))

    def stop_instance(self, context, instance):
        self._cast(context, instance['host'], 'stop_instance', ('1.1',),
                   instance=objects.Instance.coerce(instance))

    def reboot_instance(self, context, instance, reboot_type):
        self._cast(context, instance['host'], 'reboot_instance', ('1.1',),
                   instance=objects.Instance.coerce(instance), reboot_type=reboot_type)

    def pause_instance(self, context, instance):
        self._cast(context, instance['host'], 'pause_instance', ('1.1',),
                   instance=objects.Instance.coerce(instance))

    def unpause_instance(self, context, instance):
        self._cast(context, instance['host'], 'unpause_instance', ('1.1',),
                   instance=objects.Instance.coerce(instance))

    def suspend_instance(self, context, instance):
        self._cast(context, instance['host'], 'suspend_instance', ('1.1',),
                   instance=objects.Instance.coerce(instance))

    def resume_instance(self, context, instance):
        self._cast(context, instance['host'], 'resume_instance', ('1.1',),
                   instance=objects.Instance.coerce(instance))

    def get_console_output(self, context, instance, tail_length=None):
        return self._send(context, instance['host'], ('1.1',), 'get_console_output',
                          kind='call', instance=objects.Instance.coerce(instance),
                          tail_length=tail_length)

    def get_console_endpoint(self, context, instance, console_type):
        """``{'host', 'port'}`` of the instance's ``novnc`` or ``serial`` console.

        :raises ConsoleTypeUnavailable: the host is capped below 1.3 (it has
            no consoles to give) or the guest has no such console.
        """
        if not self.client.can_send_version('1.3'):
            raise exception.ConsoleTypeUnavailable(console_type=console_type)
        method = 'get_vnc_console' if console_type == 'novnc' else 'get_serial_console'
        cctxt = self.client.prepare(server=instance['host'], version='1.3')
        return cctxt.call(context, method, instance=objects.Instance.coerce(instance))

    def supports_crash_dump(self):
        """Whether the computes may be sent trigger_crash_dump (not capped below 1.5)."""
        return self.client.can_send_version('1.5')

    def trigger_crash_dump(self, context, instance):
        """Cast an NMI to the instance's guest (check :meth:`supports_crash_dump` first)."""
        self._cast(context, instance['host'], 'trigger_crash_dump', ('1.5',),
                   instance=objects.Instance.coerce(instance))

    def get_instance_diagnostics(self, context, instance):
        """The guest's diagnostics (2.48 shape, with device names).

        :raises InstanceDiagnosticsNotSupported: the host is capped below 1.6
            or its driver has none.
        """
        if not self.client.can_send_version('1.6'):
            raise exception.InstanceDiagnosticsNotSupported()
        cctxt = self.client.prepare(server=instance['host'], version='1.6')
        return cctxt.call(context, 'get_instance_diagnostics',
                          instance=objects.Instance.coerce(instance))

    def get_host_uptime(self, context, host):
        """What ``uptime`` says on ``host``.

        :raises HostUptimeNotSupported: the host is capped below 1.19.
        """
        if not self.client.can_send_version('1.19'):
            raise exception.HostUptimeNotSupported()
        return self.client.prepare(server=host, version='1.19').call(context,
                                                                     'get_host_uptime')

    def _cast_volume(self, context, instance, method, bdm):
        """Volume work needs a 1.7 compute: an older one has no volume support at all.

        :raises Invalid: the host's compute is capped below 1.7.
        """
        version = rpc.newest_sendable(self.client, ('1.17', '1.7'))
        if version is None:
            raise exception.Invalid("The server's compute host is too old to attach volumes")
        bdm = objects.BlockDeviceMapping.coerce(bdm)
        self.client.prepare(server=instance['host'], version=version).cast(
            context, method, instance=objects.Instance.coerce(instance),
            bdm=bdm if version == '1.17' else bdm.to_dict())

    def attach_volume(self, context, instance, bdm):
        """Connect and attach the volume ``bdm`` maps (device name and attachment reserved)."""
        self._cast_volume(context, instance, 'attach_volume', bdm)

    def detach_volume(self, context, instance, bdm):
        """Detach the volume ``bdm`` maps, delete its attachment and the mapping."""
        self._cast_volume(context, instance, 'detach_volume', bdm)

    def external_instance_event(self, context, host, instances, events):
        """Tell ``host`` about ``events`` (``{'name', 'status', 'tag', 'instance_uuid'}``)
        of its ``instances`` (1.11). A host capped below 1.11 is not told: logged."""
        if not self.client.can_send_version('1.11'):
            LOG.warning("Compute host %s is too old for external events; dropped %s",
                        host, [event['name'] for event in events])
            return
        self.client.prepare(server=host, version='1.11').cast(
            context, 'external_instance_event',
            instances=[objects.Instance.coerce(instance) for instance in instances],
            events=events)

    # Images and shelving (1.9). A host capped below 1.9 has none of them.

    def _cast_image_op(self, context, host, method, instance, **kwargs):
        """:raises Invalid: the host's compute is capped below 1.9."""
        if not self.client.can_send_version('1.9'):
            raise exception.Invalid("The server's compute host is too old to snapshot or "
                                    "shelve servers")
        self.client.prepare(server=host, version='1.9').cast(
            context, method, instance=objects.Instance.coerce(instance), **kwargs)

    def can_snapshot(self):
        """Whether the computes may be sent the 1.9 image and shelve methods."""
        return self.client.can_send_version('1.9')

    def snapshot_instance(self, context, instance, image_id):
        """Capture the root disk into the (queued) image ``image_id``."""
        self._cast_image_op(context, instance['host'], 'snapshot_instance', instance,
                            image_id=image_id)

    def backup_instance(self, context, instance, image_id, backup_type, rotation):
        """Snapshot into ``image_id``, then keep only ``rotation`` backups of the type."""
        self._cast_image_op(context, instance['host'], 'backup_instance', instance,
                            image_id=image_id, backup_type=backup_type, rotation=rotation)

    def shelve_instance(self, context, instance, image_id, clean_shutdown=True):
        """Power off, snapshot into ``image_id``; offload too if ``shelved_offload_time`` is 0."""
        self._cast_image_op(context, instance['host'], 'shelve_instance', instance,
                            image_id=image_id, clean_shutdown=clean_shutdown)

    def shelve_offload_instance(self, context, instance, clean_shutdown=True):
        """Free the host of a shelved server: guest, disks, claim."""
        self._cast_image_op(context, instance['host'], 'shelve_offload_instance', instance,
                            clean_shutdown=clean_shutdown)

    def unshelve_instance(self, context, host, instance, image=None, node=None):
        """Bring a shelved server back on ``host``: spawned from ``image`` (the shelved
        snapshot, or the image record of a server booted from a volume) when
        offloaded, powered on when not (``image`` None)."""
        self._cast_image_op(context, host, 'unshelve_instance', instance, image=image,
                            node=node)
    def rebuild_instance(self, context, host, instance, orig_image_ref, image_ref,
                         injected_files, new_pass, preserve_ephemeral=False, recreate=False,
                         migration=None, scheduled_node=None, target_state=None,
                         reimage_boot_volume=False):
        """Re-image ``instance`` on ``host``, or recreate it there (evacuation); a cast
        (1.8; 1.18 with ``reimage_boot_volume``, see :meth:`supports_reimage`).

        :raises Invalid: the host's compute is capped below 1.8 (1.18 to re-image).
        """
        version = '1.18' if reimage_boot_volume else '1.8'
        if not self.client.can_send_version(version):
            raise exception.Invalid("The compute host is too old to rebuild servers")
        extra = {'reimage_boot_volume': True} if reimage_boot_volume else {}
        self.client.prepare(server=host, version=version).cast(
            context, 'rebuild_instance', instance=objects.Instance.coerce(instance),
            orig_image_ref=orig_image_ref, image_ref=image_ref, injected_files=injected_files,
            new_pass=new_pass, preserve_ephemeral=preserve_ephemeral, recreate=recreate,
            migration=migration and objects.Migration.coerce(migration),
            scheduled_node=scheduled_node, target_state=target_state, **extra)

    def supports_reimage(self):
        """True unless the compute hosts are capped below 1.18 (no boot volume re-image)."""
        return self.client.can_send_version('1.18')

    # Soft delete (1.13): a host capped below it deletes at once.

    def supports_soft_delete(self):
        return self.client.can_send_version('1.13')

    def soft_delete_instance(self, context, instance):
        """Power the guest off and leave the server SOFT_DELETED (check
        :meth:`supports_soft_delete` first)."""
        self._cast(context, instance['host'], 'soft_delete_instance', ('1.13',),
                   instance=objects.Instance.coerce(instance))

    def restore_instance(self, context, instance):
        """Power a soft-deleted server's guest on: ACTIVE again."""
        self._cast(context, instance['host'], 'restore_instance', ('1.13',),
                   instance=objects.Instance.coerce(instance))

    # Rescue and passwords (1.10). A compute capped below cannot do them.

    def check_version_1_10(self, what):
        """:raises Invalid: the compute hosts are capped below 1.10."""
        if not self.client.can_send_version('1.10'):
            raise exception.Invalid(f"The server's compute host is too old to {what}")

    def rescue_instance(self, context, instance, rescue_password, rescue_image_ref=None):
        """Boot the guest from the rescue image (None: its own) with its disks attached."""
        self.check_version_1_10('rescue servers')
        self.client.prepare(server=instance['host'], version='1.10').cast(
            context, 'rescue_instance', instance=objects.Instance.coerce(instance),
            rescue_password=rescue_password, rescue_image_ref=rescue_image_ref)

    def unrescue_instance(self, context, instance):
        self.check_version_1_10('unrescue servers')
        self.client.prepare(server=instance['host'], version='1.10').cast(
            context, 'unrescue_instance', instance=objects.Instance.coerce(instance))

    def set_admin_password(self, context, instance, new_pass):
        """Set the admin password through the guest's agent; returns once it is set.

        :raises InstanceAgentNotEnabled, InstancePasswordSetFailed,
            PasswordSetNotImplemented, SetAdminPasswdNotSupported: what the host said.
        """
        self.check_version_1_10('change passwords')
        self.client.prepare(server=instance['host'], version='1.10').call(
            context, 'set_admin_password', instance=objects.Instance.coerce(instance),
            new_pass=new_pass)

    def cache_images(self, context, host, image_ids):
        """Have ``host`` fetch ``image_ids`` into its image cache; waits up to
        ``long_rpc_timeout`` (1.14).

        :returns: ``{image_id: status}`` (see :mod:`novalite.compute.image_precache`);
            all ``unsupported`` when the host is capped below 1.14.
        """
        if not self.client.can_send_version('1.14'):
            return dict.fromkeys(image_ids, 'unsupported')
        cctxt = self.client.prepare(server=host, version='1.14', timeout=CONF.long_rpc_timeout)
        return cctxt.call(context, 'cache_images', image_ids=list(image_ids))

    def quiesce_instance(self, context, instance):
        """Freeze the guest's filesystems; returns once they are (a call, 1.15).

        :raises InstanceQuiesceNotSupported: the host is capped below 1.15, or
            its driver cannot.
        :raises QemuGuestAgentNotEnabled, InstanceQuiesceFailed: what the host said.
        """
        if not self.client.can_send_version('1.15'):
            raise exception.InstanceQuiesceNotSupported(instance_id=instance['uuid'])
        self.client.prepare(server=instance['host'], version='1.15').call(
            context, 'quiesce_instance', instance=objects.Instance.coerce(instance))

    def unquiesce_instance(self, context, instance, mapping=None):
        """Thaw the guest once the snapshots of ``mapping`` (image mappings) are taken."""
        self.client.prepare(server=instance['host'], version='1.15').cast(
            context, 'unquiesce_instance', instance=objects.Instance.coerce(instance),
            mapping=mapping)
