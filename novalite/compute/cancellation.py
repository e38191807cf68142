"""Stopping an operation whose task state's deadline has expired.

The reaper (:mod:`novalite.compute.reaper`) ends an expired task state: the
instance goes to ERROR or back to its stable state, with a fault naming the
step. The operation that held the state may still be running on this host
(a driver call that hangs): left alone, it would go on when the call
returned, making a guest for an instance already in ERROR. So an operation
registers itself here while it works, and the reaper cancels it: the
operation's green thread gets :class:`~novalite.exception.TaskCancelled`
thrown in at the point where it waits, and its own failure path undoes what
it made. A call running in a native thread (libvirt's) finishes there, but
nothing waits for it any more.
"""

import contextlib

import eventlet
from oslo_log import log as logging

from novalite import exception

LOG = logging.getLogger(__name__)


class Running:
    """The cancellable operations of this host, by instance."""

    def __init__(self):
        self._threads = {}

    @contextlib.contextmanager
    def operation(self, instance_uuid):
        """Register the calling green thread as the operation on ``instance_uuid``."""
        self._threads[instance_uuid] = eventlet.getcurrent()
        try:
            yield
        finally:
            self._threads.pop(instance_uuid, None)

    def uuids(self):
        """The instances whose operation is running and cancellable."""
        return list(self._threads)

    def cancel(self, instance_uuid, reason):
        """Stop the operation on ``instance_uuid``, if one runs; True if one did."""
        thread = self._threads.pop(instance_uuid, None)
        if thread is None or thread.dead:
            return False
        LOG.warning('Cancelling the operation on instance %s: %s', instance_uuid, reason)
        eventlet.kill(thread, exception.TaskCancelled(reason=reason))
        return True
