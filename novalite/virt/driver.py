"""The virt driver interface: what a hypervisor must do for the compute manager.

A driver works on instances as the conductor returns them,
:class:`novalite.objects.Instance` (read like dicts; a plain dict from a
sender capped at compute RPC 1.0): ``uuid``,
``name`` (the hypervisor-side name, ``instance-<uuid>``), ``hostname``,
``display_name``, ``vcpus``, ``memory_mb``, ``root_gb``, ``ephemeral_gb``,
``swap``, ``flavor`` (dict), ``image_ref``, ``kernel_id``, ``ramdisk_id``,
``metadata`` (dict), ``system_metadata`` (dict, includes ``image_*`` props),
``key_name``, ``key_data``, ``user_data`` (base64 text or None),
``config_drive``, ``availability_zone``, ``project_id``, ``user_id``,
``host``, ``node``, ``power_state``, ``vm_state``, ``task_state``.

``network_info`` is a list of vif dicts: ``id`` (port id), ``address`` (MAC),
``devname`` (tap name), ``bridge``, ``network`` (``label``, ``cidr``,
``gateway``, ``dns``, ``mtu``) and ``ips`` (list of ``{'address', 'version'}``).

``image_meta`` is the image service's dict: ``id``, ``name``, ``disk_format``,
``container_format``, ``size``, ``checksum`` and ``properties``.

Drivers raise :class:`novalite.exception.NovaliteException` subclasses; a
spawn failure makes the compute manager reschedule.
"""

import abc
import collections
import importlib

from oslo_concurrency import processutils

from novalite import exception

InstanceInfo = collections.namedtuple('InstanceInfo', ['state'])
ConsoleEndpoint = collections.namedtuple('ConsoleEndpoint', ['host', 'port'])
ConsoleEndpoint.__doc__ = "Where a console proxy connects for a guest's VNC or serial console."
SnapshotFile = collections.namedtuple('SnapshotFile', ['path', 'disk_format', 'container_format'])
SnapshotFile.__doc__ = "A captured root disk: one standalone image file and its formats."

_DRIVERS = {
    'fake': 'novalite.virt.fake.FakeDriver',
    'libvirt': 'novalite.virt.libvirt.driver.LibvirtDriver',
}


def load_driver(name):
    """Instantiate the driver called ``name`` (``[DEFAULT] compute_driver``)."""
    module_name, _, class_name = _DRIVERS[name].rpartition('.')
    return getattr(importlib.import_module(module_name), class_name)()


class ComputeDriver(abc.ABC):
    """Base class of virt drivers."""

    def __init__(self):
        self._event_callback = None

    # Host
    @abc.abstractmethod
    def init_host(self, host):
        """Prepare the hypervisor for service (connect, create bridges...)."""

    def cleanup_host(self, host):
        """Release what init_host took, on service stop."""

    @abc.abstractmethod
    def get_available_nodes(self):
        """Names of the hypervisor nodes this driver manages."""

    @abc.abstractmethod
    def get_available_resource(self, nodename):
        """Resource view of one node, as a dict.

        Keys: ``vcpus``, ``memory_mb``, ``local_gb`` (totals),
        ``vcpus_used``, ``memory_mb_used``, ``local_gb_used`` (what the
        hypervisor sees in use), ``free_disk_gb``, ``hypervisor_type``,
        ``hypervisor_version`` (int), ``hypervisor_hostname``, ``cpu_info``
        (dict), ``supported_instances`` (list of ``[arch, hv_type, vm_mode]``).
        The compute host reports them as a :class:`novalite.objects.NodeResources`:
        a new key needs a field there (and its version bumped), or it is refused.
        """

    @abc.abstractmethod
    def list_instance_uuids(self):
        """UUIDs of the instances that exist on the hypervisor."""

    # Lifecycle
    @abc.abstractmethod
    def spawn(self, context, instance, image_meta, injected_files, admin_password,
              network_info, block_device_info=None):
        """Create and start the guest; return once it runs."""

    @abc.abstractmethod
    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True):
        """Stop and remove the guest and its local files; a missing guest is fine."""

    def prepare_rebuild(self, context, instance, network_info, preserve_ephemeral=False):
        """Remove the guest ahead of its re-imaging, keeping what the new one takes over.

        :returns: the ``block_device_info`` to give :meth:`spawn` of the
            rebuilt guest (its volumes and, with ``preserve_ephemeral``, its
            ephemeral disk), or None.
        """
        self.destroy(context, instance, network_info)
        return None

    @abc.abstractmethod
    def reboot(self, context, instance, network_info, reboot_type, block_device_info=None):
        """Reboot: ``SOFT`` asks the guest (falling back to hard), ``HARD`` resets.

        ``block_device_info`` (as :meth:`spawn` takes it) lists the volumes a
        guest defined anew gets; None keeps those it had.
        """

    # Power: every method takes (context, instance, network_info), so that the
    # compute manager drives them all the same way.
    @abc.abstractmethod
    def power_off(self, context, instance, network_info, timeout=None):
        """Stop the guest: cleanly within ``timeout`` seconds (default ``[compute]
        shutdown_timeout``; 0 does not wait), then forcibly."""

    @abc.abstractmethod
    def power_on(self, context, instance, network_info, block_device_info=None):
        """Start a stopped guest (with the volumes of ``block_device_info``, as reboot)."""

    def pause(self, context, instance, network_info):
        raise NotImplementedError()

    def unpause(self, context, instance, network_info):
        raise NotImplementedError()

    def suspend(self, context, instance, network_info):
        raise NotImplementedError()

    def resume(self, context, instance, network_info):
        raise NotImplementedError()

    @abc.abstractmethod
    def get_info(self, instance):
        """:class:`InstanceInfo` of the guest; raises InstanceNotFound if absent."""

    def get_console_output(self, context, instance):
        """The guest's serial console output as text."""
        raise NotImplementedError()

    def get_instance_diagnostics(self, instance):
        """The guest's diagnostics: the Compute API's 2.48 shape, each disk and NIC
        with its device ``name`` too. :raises InstanceNotFound:"""
        raise NotImplementedError()

    def trigger_crash_dump(self, instance):
        """Inject an NMI into the guest. :raises InstanceNotFound:"""
        raise NotImplementedError()

    def get_host_uptime(self):
        """What ``uptime`` prints on this host: the time, how long it has been up,
        users and load (Nova's answer for ``os-hypervisors``). Both drivers run
        their guests on this host, so both answer this host's."""
        out, _err = processutils.execute('env', 'LANG=C', 'uptime')
        return out.strip()

    # Rescue and the guest agent
    def rescue(self, context, instance, network_info, image_meta, rescue_password):
        """Boot the guest from ``image_meta`` (the rescue image) with its own
        root disk attached; a config drive gets ``rescue_password``.

        :raises InstanceNotRescuable: the rescue image asks for what this host lacks.
        """
        raise NotImplementedError()

    def unrescue(self, context, instance, network_info):
        """Boot the guest as it was before :meth:`rescue`; fine if it was never rescued."""
        raise NotImplementedError()

    def set_admin_password(self, instance, new_pass):
        """Set the admin account's password inside the running guest.

        :raises InstanceAgentNotEnabled: the guest has no agent to do it.
        :raises PasswordSetNotImplemented: the agent does not answer.
        :raises InstancePasswordSetFailed: the guest refused.
        """
        raise NotImplementedError()

    def get_vnc_console(self, context, instance):
        """:class:`ConsoleEndpoint` of the guest's VNC server.

        :raises ConsoleTypeUnavailable: the guest has no VNC display.
        """
        raise NotImplementedError()

    def get_serial_console(self, context, instance):
        """:class:`ConsoleEndpoint` of the guest's first serial port (raw TCP).

        :raises ConsoleTypeUnavailable: serial consoles are not enabled.
        """
        raise NotImplementedError()

    # Snapshots
    def quiesce(self, context, instance, image_properties):
        """Freeze the running guest's filesystems through its agent (volume snapshots).

        :raises InstanceQuiesceNotSupported: this driver cannot.
        :raises QemuGuestAgentNotEnabled: the image or the guest has no agent.
        :raises InstanceQuiesceFailed: the agent could not freeze them.
        """
        raise exception.InstanceQuiesceNotSupported(instance_id=instance['uuid'])

    def unquiesce(self, context, instance, image_properties):
        """Thaw what :meth:`quiesce` froze."""
        raise exception.InstanceQuiesceNotSupported(instance_id=instance['uuid'])

    def snapshot(self, context, instance, image_properties, update_task_state):
        """Capture the guest's root disk as one standalone image file.

        Live when the guest runs (it keeps running), cold when it is off.
        ``image_properties`` are the server's image's (the quiesce request:
        ``hw_qemu_guest_agent`` and ``os_require_quiesce``). The driver calls
        ``update_task_state(task_states.IMAGE_PENDING_UPLOAD)`` once the disk
        is captured and the guest released.

        :returns: a :class:`SnapshotFile`, which the caller uploads and removes.
        :raises InstanceQuiesceFailed: the image requires quiescing and the
            guest could not be quiesced; nothing was captured.
        """
        raise NotImplementedError()

    def post_interrupted_snapshot_cleanup(self, context, instance):
        """After a restart, undo what an interrupted snapshot left: thaw the guest,
        end its block job, remove partial files. Harmless when there is nothing."""

    def manage_image_cache(self, context, all_instances):
        """Periodic clean-up of cached base images no instance uses."""

    def cache_image(self, context, image_id):
        """Fetch ``image_id`` into this host's image cache before any boot needs it.

        :returns: True if it was downloaded, False if it was there already.
        :raises NotImplementedError: the driver keeps no image cache.
        :raises ImageNotFound, ImageUnacceptable: no such image, or not one to boot.
        """
        raise NotImplementedError()

    # Moves: cold migration and resize (source, then destination), live migration
    def _cannot_move(self):
        return NotImplementedError(f"The {type(self).__name__} cannot move servers yet.")

    def migrate_disk_and_power_off(self, context, instance, dest_host, flavor, network_info):
        """Source: stop the guest and make its disks available to ``dest_host``.

        :returns: ``disk_info``, what :meth:`finish_migration` needs to find them.
        """
        raise self._cannot_move()

    def finish_migration(self, context, migration, instance, disk_info, network_info,
                         power_on=True, volume_disks=()):
        """Destination: define the guest over the moved disks at the new flavor; start it.

        :param volume_disks: what :meth:`connect_volume` returned here for each
            of the server's volumes; the guest is defined with them.
        """
        raise self._cannot_move()

    def confirm_migration(self, context, migration, instance, network_info):
        """Source: remove what stayed behind once a move is confirmed."""
        raise self._cannot_move()

    def finish_revert_migration(self, context, instance, network_info, power_on=True,
                                volume_disks=()):
        """Source: bring back the guest a reverted move left stopped here.

        :param volume_disks: what :meth:`connect_volume` returned here for each
            of the server's volumes, connected again: the guest uses them.
        """
        raise self._cannot_move()

    # Live migration, in the order the hosts run it. ``migrate_data`` is a dict
    # each step adds to: ``block_migration``, ``is_shared_instance_path``,
    # ``source_addr``/``source_dir``, ``dest_addr``/``dest_dir``...
    def check_can_live_migrate_destination(self, context, instance, src_cpu_info,
                                           block_migration):
        """Destination: can the guest run here? :returns: the check data for the source.

        :param block_migration: True, False or None (``auto``).
        :raises MigrationPreCheckError:
        """
        return {'block_migration': block_migration}

    def cleanup_live_migration_destination_check(self, context, dest_check_data):
        """Destination: remove what the check left (a probe file)."""

    def check_can_live_migrate_source(self, context, instance, dest_check_data):
        """Source: resolve ``block_migration`` (None: not shared storage).

        :returns: ``migrate_data``. :raises MigrationPreCheckError:
        """
        block = dest_check_data.get('block_migration')
        return dict(dest_check_data, block_migration=bool(block))

    def pre_live_migration(self, context, instance, network_info, migrate_data):
        """Destination: everything the arriving guest needs. :returns: ``migrate_data``."""
        return migrate_data

    def rollback_live_migration_at_destination(self, context, instance, network_info,
                                               migrate_data=None):
        """Destination: undo :meth:`pre_live_migration`; the guest stayed on the source."""

    def post_live_migration_at_source(self, context, instance, network_info, migrate_data):
        """Source: the guest left; remove what stayed here."""

    def live_migration_recover(self, instance):
        """After a restart mid-migration: end a job still running; True if the guest is here."""
        return instance['uuid'] in self.list_instance_uuids()

    def live_migration(self, context, instance, dest_host, report_progress, block_migration,
                       migrate_data=None):
        """Source: move the running guest to ``dest_host``; return once it runs there.

        :param report_progress: called with ``{memory_total, memory_processed,
            memory_remaining, disk_total, disk_processed, disk_remaining}`` (bytes)
            while the migration runs.
        :returns: figures of the finished migration (a dict) or None.
        :raises MigrationAborted: :meth:`live_migration_abort` cancelled it; the
            guest still runs here.
        """
        raise self._cannot_move()

    def live_migration_abort(self, instance):
        """Cancel the running live migration of ``instance``."""
        raise self._cannot_move()

    def live_migration_force_complete(self, instance):
        """Make the running live migration of ``instance`` converge (pause the guest)."""
        raise self._cannot_move()

    def post_live_migration_at_destination(self, context, instance, network_info):
        """Destination: take ownership of the guest that just arrived.

        :returns: its power state here, or None."""
        raise self._cannot_move()

    # Volumes
    def get_volume_connector(self, instance):
        """This host's connector for the volume API: ``host``, ``ip``, ``initiator``..."""
        raise NotImplementedError()

    def attach_volume(self, context, connection_info, instance, mountpoint):
        """Give the guest the volume at ``mountpoint`` (``/dev/vdb``), live and persistently.

        ``connection_info`` is ``{'driver_volume_type', 'data'}``; raises
        VolumeAttachFailed having undone its own steps.
        """
        raise NotImplementedError()

    def detach_volume(self, context, connection_info, instance, mountpoint):
        """Take the volume at ``mountpoint`` away from the guest; one already gone is fine."""
        raise NotImplementedError()

    def connect_volume(self, connection_info, mountpoint):
        """Reach the volume from this host before a moving guest arrives: live
        migration's destination (it stays attached on the source meanwhile), a
        cold move's destination, or its source on a revert.

        :returns: what the guest needs to use this host's connection (libvirt:
            the ``<disk>`` XML), or None.
        """
        return None

    def disconnect_volume(self, connection_info):
        """Forget this host's connection to a volume whose guest is elsewhere now."""

    def volume_ids(self, instance):
        """Ids of the volumes in the guest's definition (None: no guest, or unknown).

        What a compute host's restart reconciles the block device mappings with.
        """
        return None

    def extend_volume(self, context, connection_info, instance, requested_size):
        """Show the running guest its volume at ``requested_size`` bytes (it grew)."""
        raise NotImplementedError()

    # Events
    def register_event_listener(self, callback):
        """``callback(uuid, power_state)`` is called on hypervisor lifecycle events."""
        self._event_callback = callback

    def emit_event(self, uuid, power_state):
        if self._event_callback is not None:
            self._event_callback(uuid, power_state)
