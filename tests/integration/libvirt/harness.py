"""A private libvirtd for integration tests, in its own network and mount namespaces.

The harness never touches the host's libvirt: it creates a network
namespace (``ip netns add``), and inside it, in a private mount namespace,
bind-mounts its own directories over ``/etc/libvirt``, ``/run/libvirt``,
``/var/lib/libvirt``, ``/var/log/libvirt`` and ``/var/cache/libvirt``, writes
its own ``qemu.conf`` (QEMU as root, no dynamic ownership, no cgroups, no
security driver) and starts ``virtlogd -d`` and ``libvirtd -d`` there. The
daemon's socket is reachable from the host through the bind-mounted run
directory (``qemu:///system?socket=...``).

Guests' taps and the bridge live in the namespace, so everything a guest
sends stays there; :meth:`LibvirtHarness.entered` switches the calling
thread into the namespace so that the driver's ``ip`` commands act on the
same bridge libvirt plugs taps into. The QEMU capability cache is kept in
``~/.cache/novalite/libvirt-cache`` between runs: it makes the daemon ready
in well under a second instead of ~8 s.

Run as a script to start one and print its URI (for the benchmark or by hand)::

    python -m tests.integration.libvirt.harness
"""

import contextlib
import ctypes
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import libvirt

CLONE_NEWNET = 0x40000000
CACHE_DIR = pathlib.Path.home() / '.cache/novalite/libvirt-cache'
READY_TIMEOUT = 60
BIND_TARGETS = {'etc': '/etc/libvirt', 'run': '/run/libvirt', 'lib': '/var/lib/libvirt',
                'log': '/var/log/libvirt'}

QEMU_CONF = '''# Written by novalite's integration test harness.
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
'''
LIBVIRTD_CONF = '''# Written by novalite's integration test harness.
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
log_outputs = "3:file:{log}"
'''
LISTEN_CONF = '''listen_tcp = 1
listen_tls = 0
auth_tcp = "none"
listen_addr = "{addr}"
'''
VIRTLOGD_CONF = '''log_outputs = "3:file:{log}"
'''


# libvirt prints every error to stderr unless a handler takes them; the
# exceptions carry the same text.
libvirt.registerErrorHandler(lambda _ctx, _err: None, None)


class HarnessUnavailable(Exception):
    """libvirtd cannot run here; tests should skip with this message."""


def _run(*cmd, check=True):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise HarnessUnavailable(f"{' '.join(cmd)}: {result.stderr.strip()}")
    return result


def _setns(fd):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class LibvirtHarness:
    """One private libvirtd; :meth:`start` it, :meth:`stop` it."""

    def __init__(self, name=None, hostname=None, host_uuid=None, listen_addr=None):
        """:param hostname: run libvirtd in its own UTS namespace under this name.
        :param host_uuid: libvirtd's ``host_uuid`` (peers must differ to migrate).
        :param listen_addr: serve ``qemu+tcp`` (no auth) on this address of the
            namespace, which must exist before :meth:`start_daemons`.
        """
        self.name = name or f'novalite-it-{os.getpid()}'
        self.hostname = hostname
        self.host_uuid = host_uuid
        self.listen_addr = listen_addr
        self.root = pathlib.Path(tempfile.mkdtemp(prefix=f'{self.name}-'))
        self.uri = f"qemu:///system?socket={self.root / 'run' / 'libvirt-sock'}"
        self.instances_path = self.root / 'instances'
        self._pids = []

    # Start and stop
    def start(self):
        """Create the namespace, start the daemons and wait until libvirtd answers.

        :raises HarnessUnavailable: not root, tools missing, or libvirtd never answers.
        """
        self.create_namespace()
        return self.start_daemons()

    def create_namespace(self):
        """The network namespace with its loopback up (step one of :meth:`start`).

        :raises HarnessUnavailable: not root or tools missing.
        """
        if os.geteuid() != 0:
            raise HarnessUnavailable("needs root (network namespaces, QEMU as root)")
        for tool in ('ip', 'unshare', 'libvirtd', 'virtlogd', 'qemu-system-x86_64'):
            if shutil.which(tool) is None:
                raise HarnessUnavailable(f"{tool} is not installed")
        _run('ip', 'netns', 'add', self.name)
        _run('ip', '-n', self.name, 'link', 'set', 'lo', 'up')

    def start_daemons(self):
        """virtlogd and libvirtd in the namespace (step two of :meth:`start`): links
        and addresses they listen on must exist by now."""
        self._write_config()
        uts = ['--uts'] if self.hostname else []
        _run('ip', 'netns', 'exec', self.name, 'unshare', '--mount', *uts, '--propagation',
             'private', 'sh', '-ec', self._daemon_script())
        self._wait_ready()
        return self

    def _write_config(self):
        for sub in (*BIND_TARGETS, 'instances'):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        etc = self.root / 'etc'
        (etc / 'qemu.conf').write_text(QEMU_CONF)
        libvirtd_conf = LIBVIRTD_CONF.format(log=self.root / 'log' / 'libvirtd.log')
        if self.host_uuid:
            libvirtd_conf += f'host_uuid = "{self.host_uuid}"\n'
        if self.listen_addr:
            libvirtd_conf += LISTEN_CONF.format(addr=self.listen_addr)
        (etc / 'libvirtd.conf').write_text(libvirtd_conf)
        (etc / 'virtlogd.conf').write_text(
            VIRTLOGD_CONF.format(log=self.root / 'log' / 'virtlogd.log'))

    def _daemon_script(self):
        lines = []
        for sub, target in {**BIND_TARGETS, str(CACHE_DIR): '/var/cache/libvirt'}.items():
            source = sub if sub.startswith('/') else self.root / sub
            lines.append(f'mkdir -p {target} && mount --bind {source} {target}')
        if self.hostname:
            lines.append(f'hostname {self.hostname}')
        lines.append(f"virtlogd -d -p {self.root / 'virtlogd.pid'}")
        listen = ' --listen' if self.listen_addr else ''
        lines.append(f"libvirtd -d{listen} -p {self.root / 'libvirtd.pid'}")
        return '\n'.join(lines)

    def _wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            try:
                libvirt.open(self.uri).close()
                self._pids = [int((self.root / f'{d}.pid').read_text())
                              for d in ('libvirtd', 'virtlogd')]
                return
            except (libvirt.libvirtError, FileNotFoundError, ValueError) as exc:
                last = exc
                time.sleep(0.2)
        log = self.root / 'log' / 'libvirtd.log'
        tail = log.read_text()[-2000:] if log.exists() else ''
        self.stop()
        raise HarnessUnavailable(f"libvirtd did not answer in {READY_TIMEOUT} s: {last}\n{tail}")

    def stop(self):
        """Destroy leftover guests, stop the daemons we started, remove the namespace."""
        self.destroy_domains()
        self._terminate(self._pids)
        self._pids = []
        _run('ip', 'netns', 'del', self.name, check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def destroy_domains(self):
        """Destroy and undefine every domain of this libvirtd."""
        try:
            conn = libvirt.open(self.uri)
        except libvirt.libvirtError:
            return
        for dom in conn.listAllDomains(0):
            with contextlib.suppress(libvirt.libvirtError):
                if dom.isActive():
                    dom.destroy()
                dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        conn.close()

    @staticmethod
    def _terminate(pids, timeout=10):
        """SIGTERM our daemons, SIGKILL what is left after ``timeout`` s."""
        alive = set()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
                alive.add(pid)
        deadline = time.monotonic() + timeout
        while alive and time.monotonic() < deadline:
            time.sleep(0.1)
            alive = {pid for pid in alive if os.path.exists(f'/proc/{pid}')}
        for pid in alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    # The namespace
    @contextlib.contextmanager
    def entered(self):
        """Run the body with the calling thread in the test network namespace."""
        with open(f"/proc/self/task/{threading.get_native_id()}/ns/net") as home, \
                open(f'/run/netns/{self.name}') as target:
            _setns(target.fileno())
            try:
                yield
            finally:
                _setns(home.fileno())

    def netns_run(self, *cmd, check=True):
        """Run a command in the test network namespace; returns CompletedProcess."""
        return _run('ip', 'netns', 'exec', self.name, *cmd, check=check)

    def link_exists(self, name):
        return self.netns_run('ip', 'link', 'show', 'dev', name, check=False).returncode == 0


if __name__ == '__main__':
    harness = LibvirtHarness().start()
    print(f'uri: {harness.uri}\nnetns: {harness.name}\ninstances: {harness.instances_path}')
    print('Ctrl-C stops it.')
    try:
        signal.pause()
    except KeyboardInterrupt:
        harness.stop()
