"""A whole novalite cloud whose compute host runs real guests on the private libvirtd.

:class:`LibvirtCloud` is :class:`tests.integration.cloud.Cloud` with one
libvirt compute host: ``novalite-compute`` runs inside the harness's network
namespace (``ip netns exec``), so its ``ip`` commands make the bridge that
libvirt plugs the guests' taps into, and it reaches the private libvirtd
through the daemon's socket on the filesystem. RabbitMQ listens on the
host's loopback only; a :class:`relay.LoopbackRelay` carries the compute's
AMQP connections out of the namespace. The compute keeps no ``[database]``
section: it reaches the database through the conductor, as in production.

Also here: registering the tiny guest with ``novalite-manage``, running the
``novalite`` CLI, and reading the real domain of a server from libvirt.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time

import libvirt
import pytest

from tests.integration import cloud as cloud_mod
from tests.integration.libvirt import relay

RABBIT_PORT = 5672
HOST = 'compute1'
# Not the driver tests' br100/10.250.0.0/24: the two never share a segment.
BRIDGE = 'brfull'
CIDR = '10.251.0.0/24'
GATEWAY = '10.251.0.1'
NETWORK_LABEL = 'private'


def rabbit_unavailable():
    """Why the cloud's RabbitMQ cannot be used here, or None if it can."""
    if shutil.which('rabbitmqctl') is None:
        return 'rabbitmqctl is not installed'
    try:
        socket.create_connection(('127.0.0.1', RABBIT_PORT), timeout=2).close()
    except OSError as exc:
        return f'RabbitMQ is not listening on 127.0.0.1:{RABBIT_PORT}: {exc}'
    return None


@contextlib.contextmanager
def running_cloud(cloud, guest_files, flavors, unavailable=()):
    """``cloud`` (made, not started) started, with ``flavors`` created and the test
    guest registered (``.images``); stopped on the way out.

    The calling test is skipped without a message bus, or when the start raises
    one of the exception classes in ``unavailable`` (say, no tgtd).
    """
    reason = rabbit_unavailable()
    if reason:
        pytest.skip(f'no message bus for the daemons: {reason}')
    try:
        cloud.start()
    except unavailable as exc:
        pytest.skip(str(exc))
    try:
        for flavor in flavors:
            cloud.client.flavors.create(**flavor)
        cloud.images = cloud.register_guest(guest_files)
        yield cloud
    finally:
        cloud.stop()


def wait_settled(cloud, server_id, status, timeout=180):
    """The server once it is in ``status`` with no task running; fails at once on ERROR."""
    found = {}

    def settled():
        found.update(cloud.client.servers.get(server_id))
        return found['status'] in (status, 'ERROR') and not found['OS-EXT-STS:task_state']
    cloud.wait_for(settled, f'server {server_id} to be {status}', timeout=timeout)
    assert found['status'] == status, f"{found.get('fault')}\n{cloud.log_warnings()}"
    return found


class LibvirtCloud(cloud_mod.Cloud):
    """api, conductor, scheduler and one libvirt compute host in the harness's namespace.

    :param harness: a started :class:`harness.LibvirtHarness`.
    :param options: extra options for every daemon, merged over the defaults.
    """

    def __init__(self, harness, workdir, db_url, options=None):
        self.harness = harness
        self.instances_path = os.path.join(str(workdir), HOST, 'instances')
        compute = {
            'DEFAULT': {'compute_driver': 'libvirt', 'instances_path': self.instances_path},
            'libvirt': {'connection_uri': harness.uri, 'virt_type': 'qemu',
                        'spawn_timeout': 60},
        }
        common = {'network': {'bridge': BRIDGE, 'cidr': CIDR, 'label': NETWORK_LABEL},
                  'compute': {'shutdown_timeout': 30}}
        for section, values in (options or {}).items():
            common.setdefault(section, {}).update(values)
        super().__init__(workdir, db_url, computes=1, options=common,
                         compute_options={HOST: compute},
                         compute_prefix=['ip', 'netns', 'exec', harness.name])
        self.relay = relay.LoopbackRelay(harness, RABBIT_PORT)

    def start(self):
        self.relay.start()
        try:
            return super().start()
        except BaseException:
            self.stop()
            raise

    def stop(self):
        try:
            super().stop()
        finally:
            self.relay.stop()
            # A guest a failed test left behind must not outlive its cloud.
            self.harness.destroy_domains()

    # The guest as images
    def register_guest(self, guest_files, suffix=''):
        """The tiny guest registered with novalite-manage; returns image ids.

        Keys: ``kernel`` (aki), ``ramdisk`` (ari), ``kernel_boot`` (a raw root
        whose properties boot the kernel and ramdisk) and ``disk`` (the
        bootable raw disk, or None without syslinux).
        """
        kernel = self.create_image(f'tiny-kernel{suffix}', guest_files['kernel'],
                                   disk_format='aki', container_format='aki')
        ramdisk = self.create_image(f'tiny-ramdisk{suffix}', guest_files['initrd'],
                                    disk_format='ari', container_format='ari')
        root = os.path.join(self.workdir, 'root.raw')
        with open(root, 'wb') as f:
            f.truncate(1024 * 1024)
        kernel_boot = self.create_image(
            f'tiny-kernel-boot{suffix}', root, disk_format='raw',
            properties={'kernel_id': kernel, 'ramdisk_id': ramdisk,
                        'os_command_line': guest_files['cmdline']})
        disk = None
        if guest_files['disk']:
            disk = self.create_image(f'tiny-disk-boot{suffix}', guest_files['disk'],
                                     disk_format='raw')
        return {'kernel': kernel, 'ramdisk': ramdisk, 'kernel_boot': kernel_boot,
                'disk': disk}

    # The CLI
    def cli(self, *args, check=True):
        """Run ``novalite ARGS`` against this cloud; returns the CompletedProcess.

        :raises AssertionError: ``check`` and the command exited non-zero.
        """
        done = subprocess.run([os.path.join(cloud_mod.BIN, 'novalite'), '--os-compute-url',
                               self.client.endpoint, *args], capture_output=True, text=True,
                              timeout=300)
        if check and done.returncode != 0:
            raise AssertionError(f"novalite {' '.join(args)} exited {done.returncode}:\n"
                                 f"{done.stdout}\n{done.stderr}")
        return done

    def console_log(self, server_id):
        return self.cli('console-log', server_id).stdout

    def wait_console(self, server_id, needle, timeout=90):
        """``novalite console-log`` once it shows ``needle``; fails after ``timeout`` s.

        Polls through the API client: a CLI process per poll would take CPU
        from the TCG guests being waited for.
        """
        deadline = time.monotonic() + timeout
        text = ''
        while time.monotonic() < deadline:
            text = self.client.servers.console_output(server_id)
            if needle in text:
                return self.console_log(server_id)
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} not on the console of {server_id} after "
                             f"{timeout} s:\n{text[-3000:]}")

    # The hypervisor's view
    def domain(self, server_id):
        """The libvirt domain of a server, or None."""
        conn = libvirt.open(self.harness.uri)
        try:
            return conn.lookupByName(f'instance-{server_id}')
        except libvirt.libvirtError as exc:
            if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                return None
            raise

    def domain_state(self, server_id):
        """libvirt's ``VIR_DOMAIN_*`` state of a server's domain, or None."""
        dom = self.domain(server_id)
        return None if dom is None else dom.state()[0]

    def instance_dir(self, server_id):
        return os.path.join(self.instances_path, server_id)

    def base_dir(self):
        return os.path.join(self.instances_path, '_base')
