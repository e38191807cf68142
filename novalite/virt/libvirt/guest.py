"""One libvirt domain and the power operations on it.

:class:`Guest` hides libvirt's vocabulary (``suspend`` is pause,
``managedSave`` is suspend, ``destroy`` is a hard power off) behind Nova's,
maps domain states to :mod:`novalite.virt.power_state`, and makes the
operations that must be idempotent tolerate a guest already in the target
state.
"""

import time

import libvirt
from oslo_log import log as logging

from novalite import concurrency
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

POLL_SECONDS = 0.25

_POWER_STATES = {
    libvirt.VIR_DOMAIN_NOSTATE: power_state.NOSTATE,
    libvirt.VIR_DOMAIN_RUNNING: power_state.RUNNING,
    # "blocked" is a running guest waiting on I/O.
    libvirt.VIR_DOMAIN_BLOCKED: power_state.RUNNING,
    libvirt.VIR_DOMAIN_PAUSED: power_state.PAUSED,
    libvirt.VIR_DOMAIN_SHUTDOWN: power_state.SHUTDOWN,
    libvirt.VIR_DOMAIN_SHUTOFF: power_state.SHUTDOWN,
    libvirt.VIR_DOMAIN_CRASHED: power_state.CRASHED,
    libvirt.VIR_DOMAIN_PMSUSPENDED: power_state.SUSPENDED,
}


def _error_code(exc):
    return exc.get_error_code() if isinstance(exc, libvirt.libvirtError) else None


class Guest:
    """A defined domain of an instance."""

    def __init__(self, domain):
        self._domain = domain

    @classmethod
    def define(cls, conn, xml):
        """Define (persistently) the domain ``xml`` describes."""
        return cls(conn.defineXML(xml))

    @property
    def uuid(self):
        return self._domain.UUIDString()

    @property
    def id(self):
        """Runtime id of the domain's QEMU process; -1 while it is off."""
        return self._domain.ID()

    def power_state(self):
        """The guest's :mod:`power_state`; a managed-saved guest is SUSPENDED."""
        state, _reason = self._domain.state()
        if state == libvirt.VIR_DOMAIN_SHUTOFF and self.has_managed_save():
            return power_state.SUSPENDED
        return _POWER_STATES.get(state, power_state.NOSTATE)

    def is_active(self):
        return bool(self._domain.isActive())

    def has_managed_save(self):
        try:
            return bool(self._domain.hasManagedSaveImage(0))
        except libvirt.libvirtError:
            return False

    def launch(self):
        """Start the domain (restoring a managed-save image if there is one)."""
        self._domain.createWithFlags(0)

    def shutdown(self):
        """Ask the guest OS to power off (ACPI power button)."""
        self._domain.shutdown()

    def destroy(self):
        """Power off hard. Fine if the domain is not running."""
        try:
            self._domain.destroy()
        except libvirt.libvirtError as exc:
            if _error_code(exc) != libvirt.VIR_ERR_OPERATION_INVALID:
                raise

    def undefine(self):
        """Forget the domain with its managed-save image and NVRAM."""
        flags = (libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
                 | libvirt.VIR_DOMAIN_UNDEFINE_NVRAM)
        try:
            self._domain.undefineFlags(flags)
        except libvirt.libvirtError as exc:
            if _error_code(exc) == libvirt.VIR_ERR_NO_DOMAIN:
                return
            # Hypervisors without NVRAM support refuse the flag.
            LOG.debug("undefineFlags(%s) failed (%s); retrying without NVRAM", flags, exc)
            self._domain.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)

    def inject_nmi(self):
        self._domain.injectNMI(0)

    def pause(self):
        self._domain.suspend()

    def unpause(self):
        self._domain.resume()

    def managed_save(self):
        """Save memory to disk and stop; the next :meth:`launch` restores it."""
        self._domain.managedSave(0)

    def wait_for(self, states, timeout):
        """Poll until the power state is in ``states``; False after ``timeout`` s."""
        return _poll(lambda: self.power_state() in states, timeout)

    def shutdown_cleanly(self, timeout, retry_interval=0):
        """ACPI shutdown, waiting up to ``timeout`` s; True if the guest went off.

        With ``retry_interval`` the request is repeated that often, for guests
        that missed the first one while booting. A request libvirt refuses
        (a paused guest) counts as one the guest ignores.
        """
        deadline = time.monotonic() + timeout
        while True:
            if not self.is_active():
                return True
            try:
                self.shutdown()
            except libvirt.libvirtError as exc:
                # A paused guest cannot take the request, and one that went
                # off just now refuses it: wait as for a guest that ignores it.
                LOG.debug('Ignoring the refused shutdown request of %s: %s',
                          self._domain.name(), exc)
            remaining = max(deadline - time.monotonic(), 0)
            wait = min(retry_interval, remaining) if retry_interval else remaining
            if _poll(lambda: not self.is_active(), wait):
                return True
            if time.monotonic() >= deadline:
                return False


def _poll(predicate, timeout):
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        concurrency.sleep(POLL_SECONDS)
