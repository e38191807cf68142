"""The libvirt virt driver: real guests under QEMU (KVM or TCG) through libvirt.

It ties the jobs of this package together: :mod:`host` (connection, events,
facts), :mod:`imagecache` and :mod:`imagebackend` (disks), :mod:`configdrive`,
:mod:`vif` (bridge and taps), :mod:`config` (domain XML) and :mod:`guest`
(power operations); moves, volumes and rescue are mixed in from
:mod:`live_moves`, :mod:`cold_moves`, :mod:`volume_moves`, :mod:`volume_ops`
and :mod:`rescue_ops`. Domains are named
``instance['name']`` and carry the instance's uuid, so the hypervisor alone
tells which instances it runs.
Every operation rebuilds what it needs from the instance dict and the files
in ``$instances_path/<uuid>``: nothing is kept in memory between calls.
"""

import os
import shutil
import time

import libvirt
from oslo_log import log as logging

from novalite import exception
from novalite.compute import vm_states
from novalite.image import client as image_client
from novalite.virt import driver, power_state
from novalite.virt.libvirt import (
    agent,
    cold_moves,
    config,
    configdrive,
    console,
    diagnostics,
    guest,
    host,
    imagebackend,
    imagecache,
    live_moves,
    migration,
    rescue_ops,
    snapshot,
    vif,
    volume,
    volume_moves,
    volume_ops,
)

LOG = logging.getLogger(__name__)

MAX_CONSOLE_BYTES = 100 * 1024
_RUNNING = {power_state.RUNNING}


class LibvirtDriver(live_moves.LiveMovesMixin, cold_moves.ColdMovesMixin,
                    volume_moves.VolumeMovesMixin, volume_ops.VolumesMixin,
                    rescue_ops.RescueMixin, driver.ComputeDriver):
    """:class:`novalite.virt.driver.ComputeDriver` on libvirt."""

    def __init__(self, conf=None, image_service=None):
        """:param conf: the config to read (default: ``novalite.conf.CONF``).
        :param image_service: where images come from (default: the local one).
        """
        super().__init__()
        if conf is None:
            from novalite.conf import CONF as conf
        self.conf = conf
        self._host = host.Host(conf.libvirt.connection_uri, event_callback=self.emit_event)
        self._image_service = image_service
        self._image_cache = None

    # Host
    @property
    def image_cache(self):
        if self._image_cache is None:
            service = self._image_service or image_client.get_image_service(self.conf)
            self._image_cache = imagecache.ImageCache(self.conf.instances_path, service,
                                                      self.conf)
        return self._image_cache

    def init_host(self, host):
        """Connect to libvirt and start delivering lifecycle events.

        :raises HypervisorUnavailable: libvirt cannot be reached.
        """
        os.makedirs(self.conf.instances_path, exist_ok=True)
        conn = self._host.get_connection()
        LOG.info("libvirt driver on %s: %s %s, virt_type %s", host, conn.getType(),
                 conn.getVersion(), self.conf.libvirt.virt_type)

    def cleanup_host(self, host):
        self._host.close()

    def get_available_nodes(self):
        return [self.conf.host]

    def get_available_resource(self, nodename):
        resources = self._host.resources(self.conf.instances_path)
        resources.update(
            hypervisor_hostname=nodename,
            cpu_info=self._host.cpu_info(),
            supported_instances=self._host.supported_instances(self.conf.libvirt.virt_type))
        return resources

    def list_instance_uuids(self):
        return [dom.UUIDString() for dom in self._host.instance_domains()]

    # Helpers
    def _instance_dir(self, instance):
        return imagebackend.instance_dir(self.conf.instances_path, instance)

    def _instance_dirs(self, instances):
        return [self._instance_dir(instance) for instance in instances]

    def _image_meta(self, instance):
        return self.image_cache.image_service.show(instance['image_ref'])

    def _peer_uri(self, addr):
        """The libvirtd of the peer host at ``addr`` (live and cold moves)."""
        return migration.peer_uri(self.conf, addr)

    def _guest(self, instance):
        """The instance's :class:`guest.Guest`; raises InstanceNotFound."""
        domain = self._host.lookup(instance['name'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        return guest.Guest(domain)

    def _layout(self, instance, image_meta=None):
        path = self._instance_dir(instance)
        disks, boot = imagebackend.existing_layout(path, instance, image_meta)
        config_drive = os.path.join(path, configdrive.FILE_NAME)
        if os.path.exists(config_drive):
            # IDE: the Debian cloud kernel has no AHCI; hdd leaves hda-hdc free.
            disks.append(config.Disk(config_drive, 'raw', 'hdd', 'ide', 'cdrom', True))
        return disks, boot

    def _domain_xml(self, instance, network_info, image_meta=None, volume_disks=(),
                    layout=None):
        """:param layout: ``(disks, boot)`` other than the instance's own (a rescue)."""
        disks, boot = layout or self._layout(instance, image_meta)
        console_log = os.path.join(self._instance_dir(instance), imagebackend.CONSOLE_LOG)
        return config.domain_xml(
            instance, self.conf.libvirt.virt_type, disks, network_info or [], console_log,
            boot, volume_disks=volume_disks, vnc_listen=console.vnc_listen(self.conf),
            serial_tcp=console.serial_tcp(self.conf),
            guest_agent=agent.wanted(imagebackend.image_properties(instance, image_meta)))

    def _plug_vifs(self, network_info):
        for item in network_info or []:
            vif.plug(item, self.conf)

    def _unplug_vifs(self, network_info):
        for item in network_info or []:
            try:
                vif.unplug(item)
            except Exception:
                LOG.exception("Failed to unplug vif %s", item.get('id'))

    def _start(self, instance, network_info, image_meta=None, volume_disks=(), xml=None):
        """Plug vifs, define the domain from scratch (or ``xml``) and start it; wait
        until it runs."""
        self._plug_vifs(network_info)
        xml = xml or self._domain_xml(instance, network_info, image_meta, volume_disks)
        new = guest.Guest.define(self._host.get_connection(), xml)
        new.launch()
        timeout = self.conf.libvirt.spawn_timeout
        if not new.wait_for(_RUNNING, timeout):
            raise exception.InstanceDeployFailure(
                reason=f"guest {instance['uuid']} not running after {timeout} s")
        return new

    # Lifecycle
    def spawn(self, context, instance, image_meta, injected_files, admin_password,
              network_info, block_device_info=None):
        """Fetch the image, create disks and config drive, plug vifs, start the guest.

        ``block_device_info['block_device_mapping']`` lists the volumes the
        guest starts with (``connection_info``, ``mount_device``,
        ``boot_index``); one at boot index 0 is the disk it boots from, and
        then there is no local root disk. On any failure everything done so
        far is undone before raising.

        :raises ImageUnacceptable: the image fails verification or does not fit.
        :raises InstanceDeployFailure: the guest could not be created or started.
        """
        path = self._instance_dir(instance)
        kept = block_device_info or {}
        volumes = kept.get('block_device_mapping') or []
        try:
            os.makedirs(path, exist_ok=True)
            if any(bdm.get('boot_index') == 0 for bdm in volumes):
                imagebackend.create_volume_backed(self.image_cache, path, instance,
                                                  image_meta)
            else:
                imagebackend.create(self.image_cache, path, instance, image_meta,
                                    keep_ephemeral=kept.get('preserve_ephemeral', False))
            if configdrive.required(instance, self.conf):
                configdrive.build(os.path.join(path, configdrive.FILE_NAME), instance,
                                  network_info or [], injected_files or (), admin_password)
            self._start(instance, network_info, image_meta,
                        self._connect_volumes(volumes) + list(kept.get('volume_disks', ())))
        except Exception as exc:
            LOG.error("Spawn of %s failed: %s", instance['uuid'], exc)
            self._cleanup(instance, network_info)
            self._disconnect_volumes(volumes)
            if isinstance(exc, exception.NovaliteException):
                raise
            raise exception.InstanceDeployFailure(reason=str(exc)) from exc
        LOG.info("Instance %s is running", instance['uuid'])

    def prepare_rebuild(self, context, instance, network_info, preserve_ephemeral=False):
        """Destroy the domain and its files; keep its volumes and, if asked, ``disk.eph0``.

        :returns: ``{'volume_disks', 'preserve_ephemeral'}`` for :meth:`spawn`.
        """
        domain = self._host.lookup(instance['name'])
        volume_disks = []
        if domain is not None:
            volume_disks = volume.volume_disks(domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        self._cleanup(instance, network_info, destroy_disks=False)
        keep = {imagebackend.EPHEMERAL} if preserve_ephemeral else set()
        path = self._instance_dir(instance)
        for name in set(os.listdir(path) if os.path.isdir(path) else ()) - keep:
            victim = os.path.join(path, name)
            if os.path.isdir(victim):
                shutil.rmtree(victim)
            else:
                os.remove(victim)
        return {'volume_disks': volume_disks, 'preserve_ephemeral': preserve_ephemeral}

    def _cleanup(self, instance, network_info, destroy_disks=True):
        domain = self._host.lookup(instance['name'])
        if domain is not None:
            doomed = guest.Guest(domain)
            doomed.destroy()
            doomed.undefine()
        self._unplug_vifs(network_info)
        if destroy_disks:
            shutil.rmtree(self._instance_dir(instance), ignore_errors=True)

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True):
        """Power off, undefine, unplug and delete the files (those a resize to this
        host set aside too). A missing guest is fine."""
        self._cleanup(instance, network_info, destroy_disks)
        if destroy_disks:
            shutil.rmtree(self._instance_dir(instance) + cold_moves.ASIDE_SUFFIX,
                          ignore_errors=True)
        LOG.info("Instance %s destroyed", instance['uuid'])

    def reboot(self, context, instance, network_info, reboot_type, block_device_info=None):
        """``SOFT``: ACPI shutdown then start, hard after ``[compute] shutdown_timeout``.

        ``HARD``: destroy the domain and start it again from a fresh definition.
        """
        if reboot_type == 'SOFT' and self._soft_reboot(instance):
            return
        self._hard_reboot(instance, network_info, block_device_info)

    def _soft_reboot(self, instance):
        current = self._guest(instance)
        if current.power_state() != power_state.RUNNING:
            return False
        if not current.shutdown_cleanly(self.conf.compute.shutdown_timeout):
            LOG.warning("Instance %s did not shut down within %d s; rebooting hard",
                        instance['uuid'], self.conf.compute.shutdown_timeout)
            return False
        current.launch()
        return current.wait_for(_RUNNING, self.conf.libvirt.spawn_timeout)

    def _hard_reboot(self, instance, network_info, block_device_info=None):
        # The fresh definition has the volumes of the block device mappings
        # (their CHAP secrets defined again); without them, those the old
        # definition had.
        domain = self._host.lookup(instance['name'])
        volume_disks = []
        if domain is not None:
            volume_disks = volume.volume_disks(domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
            old = guest.Guest(domain)
            old.destroy()
            old.undefine()
        if block_device_info is not None:
            volume_disks = self._connect_volumes(
                block_device_info.get('block_device_mapping') or [])
        self._start(instance, network_info, volume_disks=volume_disks)

    def power_off(self, context, instance, network_info, timeout=None):
        """Stop the guest: cleanly within ``timeout`` s (default ``[compute]
        shutdown_timeout``), then hard."""
        if timeout is None:
            timeout = self.conf.compute.shutdown_timeout
        current = self._guest(instance)
        if timeout and current.shutdown_cleanly(timeout):
            return
        current.destroy()

    def power_on(self, context, instance, network_info, block_device_info=None):
        """Start a stopped guest from a fresh definition (as Nova does)."""
        self._hard_reboot(instance, network_info, block_device_info)

    def pause(self, context, instance, network_info):
        self._guest(instance).pause()

    def unpause(self, context, instance, network_info):
        self._guest(instance).unpause()

    def suspend(self, context, instance, network_info):
        """Save the guest's memory to disk and stop it (libvirt managed save)."""
        self._guest(instance).managed_save()

    def resume(self, context, instance, network_info):
        """Restore a suspended guest; one without a saved image is started afresh."""
        current = self._guest(instance)
        if not current.has_managed_save():
            self._hard_reboot(instance, network_info)
            return
        # The bridge may be gone if the host rebooted while the guest slept.
        self._plug_vifs(network_info)
        current.launch()

    def get_info(self, instance):
        return driver.InstanceInfo(state=self._guest(instance).power_state())

    def set_admin_password(self, instance, new_pass):
        """Set the admin account's password through the qemu guest agent.

        :raises QemuGuestAgentNotEnabled: the image does not say ``hw_qemu_guest_agent``.
        :raises PasswordSetNotImplemented: the agent does not answer.
        :raises InstancePasswordSetFailed: the agent refused.
        """
        properties = imagebackend.image_properties(instance)
        if not agent.wanted(properties):
            raise exception.QemuGuestAgentNotEnabled()
        domain = self._host.lookup(instance['name'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        agent.set_user_password(domain, agent.admin_user(properties, properties.get('os_type')),
                                new_pass, instance['uuid'])

    def get_console_output(self, context, instance):
        """The last 100 KiB the guest wrote to its serial console."""
        self._guest(instance)
        path = os.path.join(self._instance_dir(instance), imagebackend.CONSOLE_LOG)
        try:
            with open(path, 'rb') as f:
                f.seek(max(os.fstat(f.fileno()).st_size - MAX_CONSOLE_BYTES, 0))
                return f.read().decode('utf-8', errors='replace')
        except FileNotFoundError:
            return ''

    def get_instance_diagnostics(self, instance):
        current = self._guest(instance)
        return diagnostics.collect(self._host.lookup(instance['name']), current.power_state(),
                                   self.conf.libvirt.virt_type, instance.get('config_drive'))

    def trigger_crash_dump(self, instance):
        self._guest(instance).inject_nmi()

    def get_vnc_console(self, context, instance):
        return self._console_endpoint(instance, 'novnc')

    def get_serial_console(self, context, instance):
        return self._console_endpoint(instance, 'serial')

    def _console_endpoint(self, instance, console_type):
        domain = self._host.lookup(instance['name'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        return console.endpoint(domain.XMLDesc(0), console_type, self.conf)

    # Snapshots (novalite.virt.libvirt.snapshot)
    def quiesce(self, context, instance, image_properties):
        """``fsFreeze`` through the guest agent, which the image must ask for."""
        domain = self._host.lookup(instance['name'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        snapshot.quiesce(domain, dict(image_properties, os_require_quiesce='yes'))

    def unquiesce(self, context, instance, image_properties):
        domain = self._host.lookup(instance['name'])
        if domain is not None:
            snapshot.thaw(domain)

    def snapshot(self, context, instance, image_properties, update_task_state):
        """Flatten the root disk into a standalone qcow2: live (a backup job) while the
        guest runs or is paused, with ``qemu-img convert`` when it is off."""
        domain = self._host.lookup(instance['name'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        out_path = snapshot.target_path(self.conf.instances_path, instance)
        started, running = time.monotonic(), domain.isActive()
        if running:
            snapshot.live(domain, imagebackend.ROOT_DEV, out_path, image_properties,
                          self.conf.libvirt.snapshot_timeout)
        else:
            snapshot.cold(os.path.join(self._instance_dir(instance), imagebackend.ROOT),
                          out_path)
        LOG.info("Snapshot of %s captured %s in %.2f s", instance['uuid'],
                 'live' if running else 'cold', time.monotonic() - started)
        update_task_state(vm_states.IMAGE_PENDING_UPLOAD)
        return driver.SnapshotFile(out_path, 'qcow2', 'bare')

    def post_interrupted_snapshot_cleanup(self, context, instance):
        snapshot.cleanup(self._host.lookup(instance['name']),
                         snapshot.target_path(self.conf.instances_path, instance))

    def cache_image(self, context, image_id):
        return self.image_cache.precache(image_id)

    def manage_image_cache(self, context, all_instances):
        removed = self.image_cache.manage(all_instances,
                                          imagebackend.backing_names(self._instance_dirs(
                                              all_instances)))
        if removed:
            LOG.info("Image cache: removed %d unused base image(s)", len(removed))
