"""Snapshots of a guest's root disk: its qcow2 overlay flattened over its base into one
standalone qcow2, which the compute host uploads as the new image.

A guest that is off is copied cold: ``qemu-img convert`` reads the overlay
through its backing chain and writes every allocated cluster into a new file
with no backing file.

A guest that runs (or is paused) is copied live with a libvirt push-mode
full backup job (``virDomainBackupBegin``). It is the right tool here, also
under TCG, where QEMU's block layer is the same as under KVM:

* ``qemu-img convert`` of the overlay of a running guest reads a file QEMU
  is writing (it holds the image lock; ``--force-share`` only hides that):
  clusters and qcow2 metadata change under the reader, so the copy is not
  one moment of the disk.
* A block copy aborted once in sync (Nova's live snapshot) mirrors writes
  until the abort: the snapshot's moment is the end of the copy, so a
  quiesce would have to keep the guest's filesystems frozen for the whole
  copy, and a persistent domain needs the job declared transient.
* An external disk-only snapshot moves the running guest onto a new overlay
  that must be committed back and pivoted afterwards; a crash in between
  leaves the domain on a temporary file.
* A backup job is copy-before-write: the target receives the disk as it was
  when the job began, while the guest keeps running on its own files,
  untouched. The point in time is fixed at the start, so a quiesce
  (``fsfreeze`` through the guest agent) lasts only for the job's start.
"""

import os
import time
from xml.etree import ElementTree

import libvirt
from oslo_concurrency import processutils
from oslo_log import log as logging
from oslo_utils import strutils

from novalite import concurrency, exception

LOG = logging.getLogger(__name__)

AGENT_CHANNEL = 'org.qemu.guest_agent.0'
SNAPSHOTS_DIR = 'snapshots'
POLL_SECONDS = 0.1


def target_path(instances_path, instance):
    """Where the instance's snapshot file is written (one at a time per instance)."""
    return os.path.join(instances_path, SNAPSHOTS_DIR, f"{instance['uuid']}.qcow2")


def cold(disk_path, out_path):
    """Flatten the overlay ``disk_path`` of a stopped guest into ``out_path``."""
    _prepare(out_path)
    processutils.execute('qemu-img', 'convert', '-f', 'qcow2', '-O', 'qcow2', disk_path,
                         out_path)


def live(domain, root_dev, out_path, image_properties, timeout):
    """Copy the root disk ``root_dev`` of the running ``domain`` into ``out_path``.

    :raises QemuGuestAgentNotEnabled: the image requires quiescing and the
        guest has no agent channel.
    :raises InstanceQuiesceFailed: the image requires quiescing and the agent
        could not freeze the filesystems.
    :raises InstanceDeployFailure: the backup job failed or overran ``timeout`` s.
    """
    _prepare(out_path)
    frozen = quiesce(domain, image_properties)
    try:
        domain.backupBegin(_backup_xml(domain, root_dev, out_path), None, 0)
    finally:
        if frozen:
            thaw(domain)
    _wait_for_job(domain, timeout)


def quiesce(domain, image_properties):
    """Freeze the guest's filesystems if its image asks; returns whether they are frozen."""
    wanted = strutils.bool_from_string(image_properties.get('hw_qemu_guest_agent'))
    required = strutils.bool_from_string(image_properties.get('os_require_quiesce'))
    if not (wanted or required):
        return False
    if not (wanted and has_agent_channel(domain.XMLDesc(0))):
        if required:
            raise exception.QemuGuestAgentNotEnabled()
        return False
    try:
        domain.fsFreeze(None, 0)
    except libvirt.libvirtError as exc:
        if required:
            raise exception.InstanceQuiesceFailed(reason=exc.get_error_message()) from exc
        LOG.warning("Snapshot without quiesce: %s", exc.get_error_message())
        return False
    return True


def has_agent_channel(domain_xml):
    """Whether the domain has the qemu guest agent's virtio-serial channel."""
    tree = ElementTree.fromstring(domain_xml)
    return any(target.get('name') == AGENT_CHANNEL
               for target in tree.findall('./devices/channel/target'))


def thaw(domain):
    """Thaw the guest's filesystems; a failure is logged (the agent may be gone)."""
    try:
        domain.fsThaw(None, 0)
    except libvirt.libvirtError as exc:
        LOG.error("Could not thaw the filesystems of %s: %s", domain.name(),
                  exc.get_error_message())


def _backup_xml(domain, root_dev, out_path):
    """A push backup of ``root_dev`` alone: every other disk is named and left out."""
    tree = ElementTree.fromstring(domain.XMLDesc(0))
    others = [target.get('dev') for target in tree.findall('./devices/disk/target')
              if target.get('dev') != root_dev]
    disks = [f"<disk name='{root_dev}' backup='yes' type='file'>"
             f"<driver type='qcow2'/><target file='{out_path}'/></disk>"]
    disks += [f"<disk name='{dev}' backup='no'/>" for dev in others]
    return f"<domainbackup mode='push'><disks>{''.join(disks)}</disks></domainbackup>"


def _wait_for_job(domain, timeout):
    deadline = time.monotonic() + timeout
    while domain.jobInfo()[0] != libvirt.VIR_DOMAIN_JOB_NONE:
        if time.monotonic() > deadline:
            abort(domain)
            raise exception.InstanceDeployFailure(
                reason=f"the snapshot's backup job did not end within {timeout} s")
        concurrency.sleep(POLL_SECONDS)
    stats = domain.jobStats(libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED)
    if stats.get('type') != libvirt.VIR_DOMAIN_JOB_COMPLETED:
        raise exception.InstanceDeployFailure(
            reason=f"the snapshot's backup job failed: {stats.get('errmsg', stats)}")


def abort(domain):
    """End a backup job left running (a crash, a timeout); none running is fine."""
    try:
        if domain.isActive() and domain.jobInfo()[0] != libvirt.VIR_DOMAIN_JOB_NONE:
            domain.abortJob()
    except libvirt.libvirtError as exc:
        LOG.warning("Could not abort the job of %s: %s", domain.name(),
                    exc.get_error_message())


def cleanup(domain, out_path):
    """After a restart: the job ended, the guest thawed, the partial file removed."""
    if domain is not None and domain.isActive():
        abort(domain)
        _thaw_if_frozen(domain)
    try:
        os.remove(out_path)
    except FileNotFoundError:
        pass


def _thaw_if_frozen(domain):
    if has_agent_channel(domain.XMLDesc(0)):
        thaw(domain)


def _prepare(out_path):
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    try:
        os.remove(out_path)
    except FileNotFoundError:
        pass
