"""The libvirt connection and the facts of the host behind it.

:class:`Host` opens ``[libvirt] connection_uri`` lazily, reopens it when
libvirt reports it closed or dead, runs libvirt's event loop in a native
thread and turns domain lifecycle events into ``(uuid, power_state)`` calls
of the driver's event callback. libvirt calls block in C, so under eventlet
the connection is wrapped to run them in native threads.
"""

import os
import queue
import threading
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging

from novalite import concurrency, exception
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

_EVENT_STATES = {
    libvirt.VIR_DOMAIN_EVENT_STARTED: power_state.RUNNING,
    libvirt.VIR_DOMAIN_EVENT_RESUMED: power_state.RUNNING,
    libvirt.VIR_DOMAIN_EVENT_SUSPENDED: power_state.PAUSED,
    libvirt.VIR_DOMAIN_EVENT_STOPPED: power_state.SHUTDOWN,
    libvirt.VIR_DOMAIN_EVENT_CRASHED: power_state.CRASHED,
    libvirt.VIR_DOMAIN_EVENT_PMSUSPENDED: power_state.SUSPENDED,
}
_MIGRATED_AWAY = {
    (libvirt.VIR_DOMAIN_EVENT_SUSPENDED, libvirt.VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED),
    (libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_MIGRATED),
}

_event_loop_lock = threading.Lock()
_event_loop_started = False

INSTANCE_PREFIX = 'instance-'


def _start_event_loop():
    """Run libvirt's default event loop in one native thread per process.

    It must be registered before the first connection is opened, or that
    connection never delivers events nor keepalives.
    """
    global _event_loop_started
    with _event_loop_lock:
        if _event_loop_started:
            return
        # libvirt prints every error on stderr by default; they reach us as
        # exceptions, which are logged where they matter.
        libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
        libvirt.virEventRegisterDefaultImpl()
        concurrency.start_native_thread(_run_event_loop, name='libvirt-events')
        _event_loop_started = True


def _run_event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def lifecycle_power_state(event, detail):
    """The power state a lifecycle event announces, or None to ignore it.

    A guest paused or stopped because it migrated away did not change its
    power: it runs elsewhere, and the move records where. Read late (the
    events queue while the compute is busy or stopped), such an event would
    mark a running server stopped.
    """
    if (event, detail) in _MIGRATED_AWAY:
        return None
    if (event == libvirt.VIR_DOMAIN_EVENT_STOPPED
            and detail == libvirt.VIR_DOMAIN_EVENT_STOPPED_SAVED):
        return power_state.SUSPENDED
    return _EVENT_STATES.get(event)


class Host:
    """One libvirt connection with reconnect, events and host facts."""

    def __init__(self, uri, event_callback=None):
        """:param event_callback: ``callback(uuid, power_state)``, called from a
        green thread (or a native one when threads are not green).
        """
        self.uri = uri
        self._event_callback = event_callback
        # Filled by the native event loop thread, drained by the dispatcher.
        self._events = concurrency.NativeQueue()
        self._lock = threading.Lock()
        self._raw = None
        self._conn = None
        self._dispatching = False

    # Connection
    def get_connection(self):
        """The live connection, opening or reopening it as needed.

        :raises HypervisorUnavailable: libvirt cannot be reached.
        """
        with self._lock:
            if self._raw is None or not self._alive():
                self._connect()
            return self._conn

    def _alive(self):
        try:
            return self._raw.isAlive()
        except libvirt.libvirtError:
            return False

    def _connect(self):
        _start_event_loop()
        from novalite.conf import CONF
        try:
            raw = libvirt.open(self.uri)
        except libvirt.libvirtError as exc:
            LOG.error("Cannot connect to libvirt at %s: %s", self.uri, exc)
            raise exception.HypervisorUnavailable(host=CONF.host) from exc
        LOG.info("Connected to libvirt at %s", self.uri)
        raw.registerCloseCallback(self._on_close, None)
        if self._event_callback is not None:
            raw.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                       self._on_lifecycle, None)
            self._start_dispatch()
        self._raw = raw
        self._conn = concurrency.tpool_proxy(raw, autowrap=(libvirt.virDomain,))

    def _on_close(self, conn, reason, opaque):
        # Runs in the event loop thread, so it takes no lock: the connection
        # now fails isAlive() and the next get_connection() reopens it.
        LOG.warning("libvirt connection to %s closed (reason %s)", self.uri, reason)

    def close(self):
        """Close the connection; the next call reopens it."""
        with self._lock:
            if self._raw is None:
                return
            try:
                self._raw.unregisterCloseCallback()
                self._raw.close()
            except libvirt.libvirtError:
                pass
            self._raw = self._conn = None

    # Events
    def _on_lifecycle(self, conn, dom, event, detail, opaque):
        # Runs in the native event loop thread: only queue, never call out.
        state = lifecycle_power_state(event, detail)
        if state is not None and dom.name().startswith(INSTANCE_PREFIX):
            self._events.put((dom.UUIDString(), state))

    def _start_dispatch(self):
        if self._dispatching:
            return
        self._dispatching = True
        if concurrency.is_green():
            concurrency.spawn_n(self._dispatch_events)
        else:
            concurrency.start_native_thread(self._dispatch_events, name='libvirt-dispatch')

    def _dispatch_events(self):
        while True:
            # The timeout bounds how long a pool thread is held, so that
            # eventlet's tpool can be shut down at exit.
            try:
                uuid, state = concurrency.tpool_execute(self._events.get, True, 1.0)
            except queue.Empty:
                continue
            try:
                self._event_callback(uuid, state)
            except Exception:
                LOG.exception("Lifecycle event handler failed for %s", uuid)

    # Domains
    def lookup(self, name):
        """The domain called ``name``, or None."""
        try:
            return self.get_connection().lookupByName(name)
        except libvirt.libvirtError as exc:
            if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                return None
            raise

    def instance_domains(self):
        """Every domain named like an instance (``instance-<uuid>``)."""
        return [dom for dom in self.get_connection().listAllDomains(0)
                if dom.name() == INSTANCE_PREFIX + dom.UUIDString()]

    # Facts
    def capabilities(self):
        return ET.fromstring(self.get_connection().getCapabilities())

    def cpu_info(self):
        """Arch, model, vendor, topology and features of the host CPU."""
        cpu = self.capabilities().find('host/cpu')
        topology = cpu.find('topology')
        return {'arch': cpu.findtext('arch'), 'model': cpu.findtext('model'),
                'vendor': cpu.findtext('vendor'),
                'topology': {k: int(v) for k, v in (topology.attrib if topology is not None
                                                    else {}).items() if v.isdigit()},
                'features': sorted(f.get('name') for f in cpu.findall('feature'))}

    def supported_instances(self, virt_type):
        """``[arch, virt_type, 'hvm']`` for each guest arch the hypervisor offers."""
        found = []
        for guest in self.capabilities().findall('guest'):
            arch = guest.find('arch')
            domains = {d.get('type') for d in arch.findall('domain')}
            if guest.findtext('os_type') == 'hvm' and virt_type in domains:
                found.append([arch.get('name'), virt_type, 'hvm'])
        return found

    def resources(self, instances_path):
        """Totals and hypervisor-side usage of vCPUs, memory and local disk.

        ``running_vms`` counts the instance domains that are running: it is
        what os-hypervisors shows, as Nova's libvirt driver reports it.
        """
        conn = self.get_connection()
        _model, memory_mb, cpus = conn.getInfo()[:3]
        vcpus_used = memory_used = running = 0
        for dom in self.instance_domains():
            try:
                if not dom.isActive():
                    continue
                _state, max_kib, _mem, ncpu, _time = dom.info()
            except libvirt.libvirtError as exc:
                # Gone since it was listed: migrated away or destroyed.
                if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                    continue
                raise
            vcpus_used += ncpu
            memory_used += max_kib // 1024
            running += 1
        os.makedirs(instances_path, exist_ok=True)
        stat = os.statvfs(instances_path)
        total_gb = stat.f_blocks * stat.f_frsize // 2**30
        free_gb = stat.f_bavail * stat.f_frsize // 2**30
        return {'vcpus': cpus, 'memory_mb': memory_mb, 'local_gb': total_gb,
                'vcpus_used': vcpus_used, 'memory_mb_used': memory_used, 'running_vms': running,
                'local_gb_used': total_gb - free_gb, 'free_disk_gb': free_gb,
                'hypervisor_type': conn.getType(),
                'hypervisor_version': conn.getVersion()}
