"""Live migration on libvirt, mixed into the driver.

The destination checks it can take the guest (CPU, a probe file that tells
whether the instance directory is shared) and prepares (directory,
overlays over the same base for block migration, the config drive fetched
from the source, vifs); the source migrates peer-to-peer while a
:class:`migration.Monitor` reports progress; then the source cleans up or
the destination rolls back. The volumes' part is :mod:`volume_moves`.

Before the source starts a live migration it records in the instance
directory whether that directory is shared (:data:`_LIVE_RECORD`): a restart
or the reaper that completes the move later, with no ``migrate_data`` left,
still knows whether the files are the source's to remove.
"""

import json
import os
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging

from novalite import concurrency, exception
from novalite.virt import power_state
from novalite.virt.libvirt import configdrive, guest, imagebackend, migration, transfer

LOG = logging.getLogger(__name__)

_ABORT_WAIT = 30
# What the source knew of the live migration under way (whether the directory is shared).
_LIVE_RECORD = 'live-migration.json'


class LiveMovesMixin:
    """The live migration methods of :class:`driver.LibvirtDriver` (it provides
    ``_host``, ``conf``, ``image_cache`` and the layout helpers)."""

    @property
    def _live_controls(self):
        if not hasattr(self, '_controls'):
            self._controls = {}
        return self._controls

    # Live migration: checks

    def check_can_live_migrate_destination(self, context, instance, src_cpu_info,
                                           block_migration):
        """Destination: the source's CPU runs here; leave a probe file for the source.

        :raises MigrationPreCheckError: the CPUs are incompatible.
        """
        self._compare_cpu(src_cpu_info)
        fd, probe = tempfile.mkstemp(dir=self.conf.instances_path, prefix='.migrate-probe-')
        os.close(fd)
        return {'probe': os.path.basename(probe), 'block_migration': block_migration,
                'dest_addr': migration.inbound_addr(self.conf)}

    def cleanup_live_migration_destination_check(self, context, dest_check_data):
        probe = os.path.join(self.conf.instances_path, dest_check_data.get('probe', ''))
        if dest_check_data.get('probe') and os.path.exists(probe):
            os.unlink(probe)

    def _compare_cpu(self, src_cpu_info):
        # As Nova: a TCG guest's CPU is emulated, so the hosts' CPUs do not matter.
        if self.conf.libvirt.virt_type != 'kvm' or not (src_cpu_info or {}).get('model'):
            return
        xml = _cpu_xml(src_cpu_info)
        conn = self._host.get_connection()
        try:
            result = conn.compareHypervisorCPU(None, src_cpu_info.get('arch'), None,
                                               self.conf.libvirt.virt_type, xml, 0)
        except libvirt.libvirtError as exc:
            raise exception.MigrationPreCheckError(
                reason=f"libvirt could not compare the source's CPU: "
                       f"{exc.get_error_message()}") from exc
        if result == libvirt.VIR_CPU_COMPARE_INCOMPATIBLE:
            raise exception.MigrationPreCheckError(
                reason=f"the source's CPU {src_cpu_info.get('model')} is incompatible with "
                       f"the destination's hypervisor")

    def check_can_live_migrate_source(self, context, instance, dest_check_data):
        """Source: shared instance directory or not decides ``block_migration: auto``.

        :raises MigrationPreCheckError: block migration asked for on shared
            storage, or shared-storage migration without it.
        """
        shared = os.path.exists(os.path.join(self.conf.instances_path,
                                             dest_check_data.get('probe', '-')))
        block = dest_check_data.get('block_migration')
        path = self._instance_dir(instance)
        if block is None:
            block = not shared
        elif block and shared:
            raise exception.MigrationPreCheckError(
                reason=f"{path} is on shared storage: Block migration can not be used with "
                       f"shared storage.")
        elif not block and not shared:
            raise exception.MigrationPreCheckError(
                reason=f"{path} is not on shared storage: Shared storage live-migration "
                       f"requires either shared storage or boot-from-volume with no local "
                       f"disks.")
        return dict(dest_check_data, block_migration=block, is_shared_instance_path=shared,
                    source_dir=path, source_addr=migration.inbound_addr(self.conf),
                    has_config_drive=os.path.exists(os.path.join(path, configdrive.FILE_NAME)))

    # Live migration: destination

    def pre_live_migration(self, context, instance, network_info, migrate_data):
        """Destination: the directory, disks and config drive the guest will use; vifs."""
        path = self._instance_dir(instance)
        migrate_data = dict(migrate_data or {}, dest_dir=path)
        if migrate_data.get('is_shared_instance_path'):
            self._plug_vifs(network_info)
            return migrate_data
        os.makedirs(path, exist_ok=True)
        # Independent steps whose waits (qemu-img, the source's libvirtd, ip)
        # overlap: the migration starts that much sooner.
        started = time.monotonic()
        concurrency.gather((self._create_live_disks, instance, path),
                           (self._fetch_config_drive, path, migrate_data),
                           (self._plug_vifs, network_info))
        LOG.debug('Disks, config drive and vifs of %s ready in %.2f s', instance['uuid'],
                  time.monotonic() - started)
        return migrate_data

    def _create_live_disks(self, instance, path):
        if instance.get('image_ref'):
            # The same base and the same virtual size: block migration copies
            # only what the guest wrote into the overlay. Always a new overlay:
            # one left here by an earlier move would keep, where the source's
            # overlay has nothing, what that guest wrote then.
            imagebackend.create(self.image_cache, path, instance, self._image_meta(instance))

    def _fetch_config_drive(self, path, migrate_data):
        if migrate_data.get('has_config_drive'):
            transfer.fetch(self.conf, self._peer_uri(migrate_data['source_addr']),
                           migrate_data['source_addr'], migrate_data['source_dir'],
                           [configdrive.FILE_NAME], path)

    def rollback_live_migration_at_destination(self, context, instance, network_info,
                                               migrate_data=None):
        """Destination: forget what pre_live_migration made; the guest stayed on the source."""
        domain = self._host.lookup(instance['name'])
        if domain is not None and not domain.isActive():
            guest.Guest(domain).undefine()
        # Not knowing whether the directory is shared (a restart's rollback),
        # the files stay: on shared storage they are the source's.
        shared = (migrate_data or {}).get('is_shared_instance_path', True)
        if not shared and (domain is None or not domain.isActive()):
            shutil.rmtree(self._instance_dir(instance), ignore_errors=True)

    def post_live_migration_at_destination(self, context, instance, network_info):
        """Destination: the guest runs here; a guest paused to force completion resumes.

        :returns: the guest's power state here.
        """
        current = self._guest(instance)
        if current.power_state() == power_state.PAUSED and \
                instance.get('vm_state') != 'paused':
            current.unpause()
        try:
            # Kept for whoever reads them next (virsh domjobinfo --completed).
            stats = self._host.lookup(instance['name']).jobStats(
                libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED
                | libvirt.VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED)
            LOG.info('Live migration of %s arrived: %s ms downtime, %s bytes of memory sent',
                     instance['uuid'], stats.get('downtime'), stats.get('memory_processed'))
        except libvirt.libvirtError as exc:
            LOG.warning('No completed job statistics for %s: %s', instance['uuid'], exc)
        return current.power_state()

    # Live migration: source

    def live_migration(self, context, instance, dest_host, report_progress, block_migration,
                       migrate_data=None):
        """Source: migrate to the destination in ``migrate_data``, watching the job.

        :returns: ``{'seconds', 'forced'}`` of the finished migration.
        :raises MigrationAborted: cancelled by the API or the completion timeout.
        :raises MigrationError: libvirt failed; the guest still runs here.
        """
        migrate_data = migrate_data or {}
        domain = self._host.lookup(instance['name'])
        if domain is None:
            raise exception.InstanceNotFound(instance_id=instance['uuid'])
        control = self._live_controls.setdefault(instance['uuid'], migration.Control())
        path = self._instance_dir(instance)
        _record_live_move(path, migrate_data)
        try:
            return self._migrate(instance, domain, report_progress, block_migration,
                                 migrate_data, control)
        except Exception:
            _forget_live_move(path)
            raise
        finally:
            self._live_controls.pop(instance['uuid'], None)

    def _migrate(self, instance, domain, report_progress, block_migration, migrate_data,
                 control):
        if control.abort:
            raise exception.MigrationAborted(instance_uuid=instance['uuid'])
        xml = domain.XMLDesc(libvirt.VIR_DOMAIN_XML_MIGRATABLE)
        disks = migration.copied_disks(xml) if block_migration else []
        dest_addr = migrate_data['dest_addr']
        flags = migration.flags(self.conf, block_migration)
        params = migration.params(self.conf, dest_addr, self._retarget_volumes(
            migration.dest_xml(xml, self._instance_dir(instance),
                               migrate_data.get('dest_dir', self._instance_dir(instance))),
            migrate_data), disks)
        data_bytes = instance['memory_mb'] * 1024 * 1024 + sum(
            int((domain.blockInfo(dev) or [0])[0]) for dev in disks)
        monitor = migration.Monitor(self.conf, domain, report_progress, control, data_bytes,
                                    post_copy=bool(flags & libvirt.VIR_MIGRATE_POSTCOPY))
        control.monitor = monitor
        watcher = concurrency.spawn(monitor.run)
        started = time.monotonic()
        LOG.info('Live-migrating %s to %s (%s)', instance['uuid'], dest_addr,
                 'block' if block_migration else 'shared storage')
        try:
            domain.migrateToURI3(self._peer_uri(dest_addr), params, flags)
        except libvirt.libvirtError as exc:
            if control.abort:
                raise exception.MigrationAborted(instance_uuid=instance['uuid']) from exc
            raise exception.MigrationError(reason=exc.get_error_message()) from exc
        finally:
            monitor.stop()
            watcher.wait()
        seconds = time.monotonic() - started
        # The destination reads and logs the downtime (post_live_migration_at_destination),
        # off the path that moves the server.
        LOG.info('Live migration of %s done in %.2f s', instance['uuid'], seconds)
        return {'seconds': seconds, 'forced': control.forced}

    def live_migration_abort(self, instance):
        """Cancel the migration (``abortJob``); one not started yet never starts."""
        control = self._live_controls.setdefault(instance['uuid'], migration.Control())
        control.abort = True
        domain = self._host.lookup(instance['name'])
        if domain is None:
            return
        try:
            domain.abortJob()
        except libvirt.libvirtError as exc:
            # No job yet: the flag stops it before or as it starts.
            LOG.info('abortJob of %s: %s', instance['uuid'], exc.get_error_message())

    def live_migration_force_complete(self, instance):
        """Post-copy if permitted, else pause the guest so the copy converges."""
        control = self._live_controls.get(instance['uuid'])
        if control is None:
            return
        control.force = True
        monitor = getattr(control, 'monitor', None)
        if monitor is not None and control.forced is None:
            monitor.force_complete()

    def post_live_migration_at_source(self, context, instance, network_info, migrate_data):
        """Source: the guest left; its files go too unless the directory is shared.

        Without ``migrate_data`` (a move completed after a restart or by the
        reaper) the directory's own record says; with neither, the files stay.
        """
        self._unplug_vifs(network_info)
        path = self._instance_dir(instance)
        if not (migrate_data or _recorded_live_move(path)).get('is_shared_instance_path', True):
            shutil.rmtree(path, ignore_errors=True)
        else:
            _forget_live_move(path)

    def live_migration_recover(self, instance):
        """After a restart: end a migration job left running; True if the guest runs here."""
        domain = self._host.lookup(instance['name'])
        if domain is None:
            return False
        deadline = time.monotonic() + _ABORT_WAIT
        warned = False
        while time.monotonic() < deadline:
            try:
                stats = domain.jobStats()
            except libvirt.libvirtError:
                break
            if stats.get('type', libvirt.VIR_DOMAIN_JOB_NONE) == libvirt.VIR_DOMAIN_JOB_NONE:
                break
            if not warned:
                LOG.warning('Aborting the migration job of %s left by the previous run',
                            instance['uuid'])
                warned = True
            try:
                domain.abortJob()
            except libvirt.libvirtError as exc:
                LOG.debug('abortJob: %s', exc)
            concurrency.sleep(0.5)
        domain = self._host.lookup(instance['name'])
        stayed = domain is not None and bool(domain.isActive())
        if stayed:
            _forget_live_move(self._instance_dir(instance))
        return stayed


def _record_live_move(path, migrate_data):
    if not os.path.isdir(path):
        return  # Nothing here to leave behind (a guest with no local files).
    with open(os.path.join(path, _LIVE_RECORD), 'w') as f:
        json.dump({'is_shared_instance_path':
                   bool(migrate_data.get('is_shared_instance_path', True))}, f)


def _recorded_live_move(path):
    """What :func:`_record_live_move` wrote, or ``{}``."""
    try:
        with open(os.path.join(path, _LIVE_RECORD)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _forget_live_move(path):
    try:
        os.remove(os.path.join(path, _LIVE_RECORD))
    except FileNotFoundError:
        pass


def _cpu_xml(cpu_info):
    cpu = ET.Element('cpu')
    for key in ('arch', 'model', 'vendor'):
        if cpu_info.get(key):
            ET.SubElement(cpu, key).text = cpu_info[key]
    topology = cpu_info.get('topology') or {}
    if topology:
        ET.SubElement(cpu, 'topology', {k: str(v) for k, v in topology.items()})
    for name in cpu_info.get('features') or ():
        ET.SubElement(cpu, 'feature', {'name': name})
    return ET.tostring(cpu, encoding='unicode')
