"""A private tgtd for integration tests: its own control port and iSCSI portal.

``TgtServer(netns=NAME)`` runs it inside a test's network namespace (so that
QEMU there reaches the portal on the namespace's loopback, or on
``portal_addr``, an address of that namespace other namespaces reach); tgtadm still
reaches it through the control socket under ``/var/run/tgtd``. tgtd ignores
SIGTERM while it has targets, so :meth:`TgtServer.stop` asks it to exit.
"""

import random
import re
import shutil
import socket
import subprocess
import time


class TgtUnavailable(Exception):
    """tgtd cannot run here; tests skip with this message."""


class TgtServer:
    def __init__(self, netns=None, portal_addr='127.0.0.1'):
        self.netns = netns
        self.portal_addr = portal_addr
        self.control_port = random.randint(1000, 9000)
        self.portal_port = random.randint(20000, 30000)
        self.proc = None

    def _tgtadm(self, *args, check=True):
        return subprocess.run(['tgtadm', '-C', str(self.control_port), *args],
                              capture_output=True, text=True, check=check)

    def start(self):
        if shutil.which('tgtd') is None:
            raise TgtUnavailable("tgtd is not installed (apt-get install -y tgt)")
        cmd = ['tgtd', '-f', '-C', str(self.control_port), '--iscsi',
               f'portal={self.portal_addr}:{self.portal_port}']
        if self.netns:
            cmd = ['ip', 'netns', 'exec', self.netns, *cmd]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise TgtUnavailable(f"tgtd exited: {self.proc.stderr.read().decode()}")
            if self._tgtadm('--mode', 'target', '--op', 'show', check=False).returncode == 0:
                return self
            time.sleep(0.1)
        raise TgtUnavailable("tgtd did not answer within 10 s")

    def configure(self, conf):
        conf.set_override('tgt_control_port', self.control_port, group='volume')
        conf.set_override('target_port', self.portal_port, group='volume')
        conf.set_override('target_ip_address', self.portal_addr, group='volume')

    def targets(self):
        return self._tgtadm('--lld', 'iscsi', '--mode', 'target', '--op', 'show').stdout

    def stop(self):
        # tgtd refuses to exit while it has targets: drop them, sessions and all.
        for tid in re.findall(r'^Target (\d+):', self.targets(), re.MULTILINE):
            self._tgtadm('--lld', 'iscsi', '--mode', 'target', '--op', 'delete', '--force',
                         '--tid', tid, check=False)
        self._tgtadm('--mode', 'system', '--op', 'delete', check=False)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def portal_reachable(port):
    with socket.socket() as sock:
        return sock.connect_ex(('127.0.0.1', port)) == 0


def qemu_url(info, password=None):
    """The URL QEMU's own iSCSI initiator logs in with, as a guest's QEMU does."""
    return (f"iscsi://{info['auth_username']}%{password or info['auth_password']}@"
            f"{info['target_portal']}/{info['target_iqn']}/{info['target_lun']}")
