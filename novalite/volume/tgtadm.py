"""tgtd's management CLI (``tgtadm``) as Python calls: targets, LUNs, CHAP accounts.

tgtd keeps its configuration in memory only, so the volume service
re-creates every target at start-up (:meth:`TgtAdm.ensure_target`). Target
ids are tgtd's own small integers; targets are found by IQN, never by a
remembered id.
"""

import re

from oslo_concurrency import processutils
from oslo_log import log as logging

LOG = logging.getLogger(__name__)

_TARGET_LINE = re.compile(r'^Target (\d+): (\S+)$', re.MULTILINE)
_LUN = 1


class TgtAdm:
    """One tgtd, reached on its management port ``control_port`` (None: the default)."""

    def __init__(self, control_port=None):
        self.control_port = control_port

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

        Undoes itself if a step fails. Returns the target id.
        """
        taken = self.targets()
        tid = max(taken.values(), default=0) + 1
        self._run('--mode', 'target', '--op', 'new', '--tid', str(tid), '--targetname', iqn)
        try:
            self._run('--mode', 'logicalunit', '--op', 'new', '--tid', str(tid),
                      '--lun', str(_LUN), '--backing-store', path)
            self._ensure_account(username, password)
            self._run('--mode', 'account', '--op', 'bind', '--tid', str(tid),
                      '--user', username)
            self._run('--mode', 'target', '--op', 'bind', '--tid', str(tid),
                      '--initiator-address', 'ALL')
        except processutils.ProcessExecutionError:
            self.delete_target(iqn, username)
            raise
        return tid

    def _ensure_account(self, username, password):
        try:
            self._run('--mode', 'account', '--op', 'new', '--user', username,
                      '--password', password)
        except processutils.ProcessExecutionError as exc:
            if 'exist' not in (exc.stderr or '').lower():
                raise

    def ensure_target(self, iqn, path, username, password):
        """Create the target unless tgtd already serves it (after a tgtd restart)."""
        if iqn not in self.targets():
            LOG.info("Re-exporting %s", iqn)
            self.create_target(iqn, path, username, password)

    def delete_target(self, iqn, username):
        """Remove the target (dropping its sessions) and its account; fine if gone."""
        tid = self.targets().get(iqn)
        if tid is not None:
            self._run('--mode', 'target', '--op', 'delete', '--force', '--tid', str(tid))
        try:
            self._run('--mode', 'account', '--op', 'delete', '--user', username)
        except processutils.ProcessExecutionError:
            LOG.debug("No tgt account %s to delete", username)

    def refresh_lun(self, iqn, path):
        """Re-create the LUN so tgtd sees a new size of ``path`` (after an extend)."""
        tid = self.targets()[iqn]
        self._run('--mode', 'logicalunit', '--op', 'delete', '--tid', str(tid),
                  '--lun', str(_LUN))
        self._run('--mode', 'logicalunit', '--op', 'new', '--tid', str(tid),
                  '--lun', str(_LUN), '--backing-store', path)
