"""Live migration on libvirt: the flags, the destination's XML, the job monitor.

The source's libvirtd runs the migration peer-to-peer (``migrateToURI3``
to ``qemu+SCHEME://DEST/system``, the data over ``tcp://DEST``), with
Nova's flags: live, persistent on the destination, undefined on the source,
and either block migration (``NON_SHARED_INC``: the writable disks are
copied into overlays the destination made over the same base) or shared
storage. :class:`Monitor` polls the job while it runs: it reports progress,
raises the allowed downtime in steps and enforces the completion timeout.
"""

import time
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging

from novalite import concurrency

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
_BASE_FLAGS = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER
               | libvirt.VIR_MIGRATE_PERSIST_DEST | libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)
PROGRESS_KEYS = ('memory_total', 'memory_processed', 'memory_remaining', 'disk_total',
                 'disk_processed', 'disk_remaining')


def inbound_addr(conf):
    """The address peers reach this host's libvirtd and migration streams on."""
    return conf.libvirt.live_migration_inbound_addr or conf.my_ip


def peer_uri(conf, addr):
    return f'qemu+{conf.libvirt.live_migration_scheme}://{addr}/system'


def flags(conf, block_migration):
    """Nova's flags; shared storage adds ``UNSAFE``: libvirt cannot tell that a
    local directory is shared and refuses to migrate without it."""
    value = _BASE_FLAGS
    value |= libvirt.VIR_MIGRATE_NON_SHARED_INC if block_migration else libvirt.VIR_MIGRATE_UNSAFE
    if conf.libvirt.live_migration_permit_post_copy:
        value |= libvirt.VIR_MIGRATE_POSTCOPY
    return value


def params(conf, dest_addr, dest_xml, disks):
    found = {libvirt.VIR_MIGRATE_PARAM_URI: f'tcp://{dest_addr}',
             libvirt.VIR_MIGRATE_PARAM_DEST_XML: dest_xml}
    if disks:
        found[libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS] = list(disks)
    if conf.libvirt.live_migration_bandwidth:
        found[libvirt.VIR_MIGRATE_PARAM_BANDWIDTH] = conf.libvirt.live_migration_bandwidth
    return found


def dest_xml(xml, source_dir, dest_dir):
    """The domain XML with the source's instance directory replaced by the destination's.

    The directory is named by the instance's uuid, so the replacement cannot
    touch anything else.
    """
    if source_dir == dest_dir:
        return xml
    return xml.replace(source_dir.rstrip('/') + '/', dest_dir.rstrip('/') + '/')


def copied_disks(xml):
    """Target devices of the writable file disks: what block migration copies."""
    found = []
    for disk in ET.fromstring(xml).findall('devices/disk'):
        if disk.get('type') == 'file' and disk.get('device') == 'disk' \
                and disk.find('readonly') is None:
            found.append(disk.find('target').get('dev'))
    return found


def downtime_steps(conf, data_gb):
    """``(seconds after start, allowed downtime ms)`` pairs, as Nova steps them."""
    maximum = conf.libvirt.live_migration_downtime
    steps = conf.libvirt.live_migration_downtime_steps
    delay = max(int(conf.libvirt.live_migration_downtime_delay * data_gb),
                conf.libvirt.live_migration_downtime_delay)
    base = maximum / steps
    offset = (maximum - base) / steps
    return [(delay * i, int(base + offset * i)) for i in range(steps + 1)]


def progress(stats):
    """The migration record's progress columns from libvirt job statistics."""
    return {key: int(stats.get(key) or 0) for key in PROGRESS_KEYS}


class Control:
    """What the API asked of a running live migration: abort or force-complete."""

    def __init__(self):
        self.abort = False
        self.force = False
        self.forced = None      # 'postcopy' or 'paused' once done
        self.timed_out = False


class Monitor:
    """Watch one running migration job from a green thread until :meth:`stop`.

    :param domain: the source domain (its job is the migration).
    :param report: called with the progress columns at every poll.
    :param control: the :class:`Control` the API's abort/force set.
    :param data_bytes: guest RAM plus copied disk bytes, which scale the
        downtime steps and the completion timeout.
    """

    def __init__(self, conf, domain, report, control, data_bytes, post_copy):
        self.conf = conf
        self.domain = domain
        self.report = report
        self.control = control
        self.post_copy = post_copy
        data_gb = max(data_bytes / GiB, 1.0)
        self.steps = downtime_steps(conf, data_gb)
        timeout = conf.libvirt.live_migration_completion_timeout
        self.deadline = timeout * data_gb if timeout else None
        # An event, not a flag: stop() wakes the monitor from its interval's wait.
        self._stopped = concurrency.Event()
        self.last = None

    def stop(self):
        if not self._stopped.ready():
            self._stopped.send()

    def run(self):
        started = time.monotonic()
        interval = self.conf.libvirt.live_migration_progress_interval
        while not self._stopped.ready():
            self._stopped.wait(interval)
            if self._stopped.ready():
                return
            try:
                self._tick(time.monotonic() - started)
            except libvirt.libvirtError as exc:
                # The job ended between two polls (the domain left this host).
                LOG.debug('Migration monitor: %s', exc)
            except Exception:
                LOG.exception('Migration monitor failed; the migration goes on unwatched')
                return

    def _tick(self, elapsed):
        stats = self.domain.jobStats()
        if stats.get('type', libvirt.VIR_DOMAIN_JOB_NONE) == libvirt.VIR_DOMAIN_JOB_NONE:
            return
        self.last = progress(stats)
        self.report(self.last)
        if self.control.abort:
            self.domain.abortJob()
            return
        while self.steps and elapsed >= self.steps[0][0]:
            _at, downtime = self.steps.pop(0)
            LOG.debug('Allowing a downtime of %d ms', downtime)
            self.domain.migrateSetMaxDowntime(downtime, 0)
        if self.deadline is not None and elapsed > self.deadline and not self.control.timed_out:
            self._time_out(elapsed)
        if self.control.force and self.control.forced is None:
            self.force_complete()

    def _time_out(self, elapsed):
        self.control.timed_out = True
        action = self.conf.libvirt.live_migration_timeout_action
        LOG.warning('Live migration not complete after %d s: %s', elapsed, action)
        if action == 'abort':
            self.control.abort = True
            self.domain.abortJob()
        else:
            self.control.force = True

    def force_complete(self):
        """Post-copy when permitted, else pause the guest so the copy converges."""
        if self.post_copy:
            self.domain.migrateStartPostCopy(0)
            self.control.forced = 'postcopy'
        else:
            self.domain.suspend()
            self.control.forced = 'paused'
        LOG.info('Live migration forced to complete (%s)', self.control.forced)
