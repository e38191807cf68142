"""tgtd's management CLI (``tgtadm``) as Python calls: targets, LUNs, CHAP accounts.

tgtd keeps its configuration in memory only, so the volume service
re-creates every target at start-up (:meth:`TgtAdm.ensure_target`). Target
ids are tgtd's own small integers; targets are found by IQN, never by a
remembered id.

Target ids are handed out in increasing order while the service runs, never
one that a target deleted since was using: tgtd drops a deleted target's
sessions and initiators log in again by IQN, so a re-used id is no data
hazard by itself, but a log line, an operator's ``tgtadm`` or a late command
naming an id should never reach another volume. A new target replaces one
left under its IQN by an interrupted create (which may serve the volume's
previous, unlinked file and know an older CHAP password). One lock orders
every look-up-then-act on ids.
"""

import re
import threading

from oslo_concurrency import processutils
from oslo_log import log as logging

LOG = logging.getLogger(__name__)

_TARGET_LINE = re.compile(r'^Target (\d+): (\S+)$', re.MULTILINE)
_LUN = 1


class TgtAdm:
    """One tgtd, reached on its management port ``control_port`` (None: the default)."""

    def __init__(self, control_port=None):
        self.control_port = control_port
        self._lock = threading.Lock()
        self._last_tid = 0

    def _run(self, *args):
        cmd = ['tgtadm']
        if self.control_port:
            cmd += ['-C', str(self.control_port)]
        out, _err = processutils.execute(*cmd, '--lld', 'iscsi', *args)
        return out

    def targets(self):
        """``{iqn: tid}`` of the targets tgtd serves."""
        out = self._run('--mode', 'target', '--op', 'show')
        return {iqn: int(tid) for tid, iqn in _TARGET_LINE.findall(out)}

    def create_target(self, iqn, path, username, password):
        """Export ``path`` as LUN 1 of a new target ``iqn`` that only ``username`` may log in to.

        A target already named ``iqn`` (left by an interrupted create) is
        deleted first, sessions and all, and so is ``username``'s account:
        the new target serves ``path`` as it is now and takes ``password``.
        Undoes itself if a step fails. Returns the target id.
        """
        with self._lock:
            taken = self.targets()
            if iqn in taken:
                LOG.warning("Replacing target %s (tid %d) left by an earlier export",
                            iqn, taken[iqn])
                self._delete_tid(taken.pop(iqn))
            tid = max(self._last_tid, *taken.values(), 0) + 1
            self._last_tid = tid
            self._run('--mode', 'target', '--op', 'new', '--tid', str(tid),
                      '--targetname', iqn)
            try:
                self._run('--mode', 'logicalunit', '--op', 'new', '--tid', str(tid),
                          '--lun', str(_LUN), '--backing-store', path)
                self._new_account(username, password)
                self._run('--mode', 'account', '--op', 'bind', '--tid', str(tid),
                          '--user', username)
                self._run('--mode', 'target', '--op', 'bind', '--tid', str(tid),
                          '--initiator-address', 'ALL')
            except processutils.ProcessExecutionError:
                self._delete(iqn, username)
                raise
        return tid

    def _new_account(self, username, password):
        # An account of the same name is an earlier export's: its password is stale.
        self._delete_account(username)
        self._run('--mode', 'account', '--op', 'new', '--user', username,
                  '--password', password)

    def ensure_target(self, iqn, path, username, password):
        """Create the target unless tgtd already serves it (after a tgtd restart)."""
        if iqn not in self.targets():
            LOG.info("Re-exporting %s", iqn)
            self.create_target(iqn, path, username, password)

    def delete_target(self, iqn, username):
        """Remove the target (dropping its sessions) and its account; fine if gone."""
        with self._lock:
            self._delete(iqn, username)

    def _delete(self, iqn, username):
        tid = self.targets().get(iqn)
        if tid is not None:
            self._delete_tid(tid)
        self._delete_account(username)

    def _delete_tid(self, tid):
        self._run('--mode', 'target', '--op', 'delete', '--force', '--tid', str(tid))

    def _delete_account(self, username):
        try:
            self._run('--mode', 'account', '--op', 'delete', '--user', username)
        except processutils.ProcessExecutionError:
            LOG.debug("No tgt account %s to delete", username)

    def refresh_lun(self, iqn, path):
        """Re-create the LUN so tgtd sees a new size of ``path`` (after an extend)."""
        with self._lock:
            tid = self.targets()[iqn]
            self._run('--mode', 'logicalunit', '--op', 'delete', '--tid', str(tid),
                      '--lun', str(_LUN))
            self._run('--mode', 'logicalunit', '--op', 'new', '--tid', str(tid),
                      '--lun', str(_LUN), '--backing-store', path)
