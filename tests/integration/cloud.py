"""A real novalite cloud for integration tests: separate daemon processes.

:class:`Cloud` writes one config file for the controller daemons (api,
conductor, schedulers) and one per compute host *without* a ``[database]``
section, runs ``novalite-manage db sync``, starts every daemon as its own
process on RabbitMQ (a fresh vhost per cloud) and the given database, and can
kill (-9) and restart any of them.
"""

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid

from novalite.cli import client as novalite_client

BIN = os.path.dirname(sys.executable)
RABBIT = 'rabbit://guest:guest@127.0.0.1:5672'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def rabbit_vhost():
    """Create a RabbitMQ vhost for one cloud; returns its name."""
    name = 'novalite-' + uuid.uuid4().hex[:8]
    subprocess.run(['rabbitmqctl', '-q', 'add_vhost', name], check=True, capture_output=True)
    subprocess.run(['rabbitmqctl', '-q', 'set_permissions', '-p', name, 'guest', '.*', '.*',
                    '.*'], check=True, capture_output=True)
    return name


def delete_vhost(name):
    subprocess.run(['rabbitmqctl', '-q', 'delete_vhost', name], capture_output=True)


def _ini(sections):
    lines = []
    for section, options in sections.items():
        lines.append(f'[{section}]')
        lines.extend(f'{key} = {value}' for key, value in options.items())
        lines.append('')
    return '\n'.join(lines)


class Cloud:
    def __init__(self, workdir, db_url, computes=3, schedulers=1, options=None,
                 compute_options=None, compute_prefix=(), transport_url=None):
        """:param compute_prefix: command words put before ``novalite-compute``,
            e.g. ``['ip', 'netns', 'exec', NS]`` to run computes in a namespace.
        :param transport_url: a broker of the test's own (default: a fresh
            vhost on the shared RabbitMQ).
        """
        self.workdir = str(workdir)
        self.db_url = db_url
        self.compute_hosts = [f'compute{n}' for n in range(1, computes + 1)]
        self.scheduler_count = schedulers
        self.options = options or {}
        self.compute_options = compute_options or {}
        self.compute_prefix = list(compute_prefix)
        self.port = free_port()
        self.vhost = None if transport_url else rabbit_vhost()
        self.transport_url = transport_url or f'{RABBIT}/{self.vhost}'
        self.procs = {}
        os.makedirs(os.path.join(self.workdir, 'logs'), exist_ok=True)
        self.client = novalite_client.Client(f'http://127.0.0.1:{self.port}/v2.1',
                                             timeout=60)

    def _sections(self, host):
        sections = {
            'DEFAULT': {'transport_url': self.transport_url, 'host': host,
                        'state_path': self.workdir, 'report_interval': 1,
                        'service_down_time': 15, 'periodic_interval': 1, 'debug': 'False'},
            'api': {'listen': '127.0.0.1', 'port': self.port},
            'image': {'images_path': os.path.join(self.workdir, 'images')},
            'compute': {'reserved_host_memory_mb': 0, 'resource_report_interval': 5},
            'conductor': {'build_recovery_timeout': 10},
            # Scale and placement tests boot more than a project's default
            # quota; the quota tests set their project's limits through the API.
            'quota': {'instances': -1, 'cores': -1, 'ram': -1},
        }
        for section, values in self.options.items():
            sections.setdefault(section, {}).update(values)
        return sections

    def _write_conf(self, name, host, database=True):
        sections = self._sections(host)
        if database:
            sections['database'] = {'connection': self.db_url}
        else:
            # Its own state_path: were the compute to touch a database, the
            # default SQLite URL would point at an empty file here, not the cloud's.
            sections['DEFAULT']['state_path'] = os.path.join(self.workdir, host)
            for section, values in self.compute_options.get(host, {}).items():
                sections.setdefault(section, {}).update(values)
        path = os.path.join(self.workdir, f'{name}.conf')
        with open(path, 'w') as f:
            f.write(textwrap.dedent(_ini(sections)))
        return path

    def start(self):
        controller = self._write_conf('controller', 'controller')
        subprocess.run([os.path.join(BIN, 'novalite-manage'), '--config-file', controller,
                        'db', 'sync'], check=True, capture_output=True)
        self.spawn('conductor', 'novalite-conductor', controller)
        for n in range(1, self.scheduler_count + 1):
            self.spawn(f'scheduler{n}', 'novalite-scheduler', controller)
        self.spawn('api', 'novalite-api', controller)
        for host in self.compute_hosts:
            self.start_compute(host)
        self.wait_for(lambda: len(self.client.hypervisors.list()) == len(self.compute_hosts),
                      'every compute node registered')
        return self

    def start_compute(self, host):
        conf = self._write_conf(host, host, database=False)
        self.spawn(host, 'novalite-compute', conf, prefix=self.compute_prefix)

    def spawn(self, name, binary, conf, prefix=()):
        log = os.path.join(self.workdir, 'logs', f'{name}.log')
        self.procs[name] = (subprocess.Popen(
            [*prefix, os.path.join(BIN, binary), '--config-file', conf, '--log-file', log],
            stdout=subprocess.DEVNULL, stderr=open(log + '.stderr', 'w')), binary, conf,
            prefix)
        if name == 'api':
            self.wait_for(self._api_answers, 'the API to answer')

    def _api_answers(self):
        try:
            self.client.versions.list()
            return True
        except novalite_client.ClientError:
            return False

    def kill(self, name, sig=signal.SIGKILL):
        proc = self.procs[name][0]
        proc.send_signal(sig)
        return proc.wait(timeout=90)

    def restart(self, name):
        _proc, binary, conf, prefix = self.procs[name]
        self.spawn(name, binary, conf, prefix)

    def stop(self):
        # Computes first: they call the conductor, and a call to a conductor
        # that is already gone waits out the RPC timeout.
        computes = [name for name in self.procs if name in self.compute_hosts]
        others = [name for name in self.procs if name not in self.compute_hosts]
        for group in (computes, others):
            self._terminate([self.procs[name][0] for name in group])
        if self.vhost:
            delete_vhost(self.vhost)

    @staticmethod
    def _terminate(procs):
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def log(self, name):
        with open(os.path.join(self.workdir, 'logs', f'{name}.log')) as f:
            return f.read()

    def log_warnings(self, count=8):
        """The last ``count`` WARNING and ERROR lines of each daemon: a failure's context."""
        found = []
        for name in self.procs:
            lines = [line for line in self.log(name).splitlines()
                     if ' WARNING ' in line or ' ERROR ' in line]
            found += [f'{name}: {line[:300]}' for line in lines[-count:]]
        return '\n'.join(found)

    @staticmethod
    def wait_for(predicate, what, timeout=120, interval=0.2):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if predicate():
                    return
            except (novalite_client.ClientError, OSError):
                pass
            time.sleep(interval)
        raise AssertionError(f'timed out after {timeout} s waiting for {what}')

    def wait_for_servers(self, statuses=('ACTIVE', 'ERROR'), timeout=180):
        """Wait until no server is in a transitional status; returns them all."""
        def settled():
            servers = self.client.servers.list(all_tenants=True)
            return all(s['status'] in statuses for s in servers)
        self.wait_for(settled, f'servers to reach {statuses}', timeout=timeout)
        return self.client.servers.list(all_tenants=True)

    def create_image(self, name='test-image', path=None, disk_format='raw',
                     container_format='bare', properties=None):
        """Register an image with novalite-manage; returns its id.

        Without ``path``, a blank 1 MiB raw file is made for it.
        """
        if path is None:
            path = os.path.join(self.workdir, name + '.raw')
            with open(path, 'wb') as f:
                f.truncate(1024 * 1024)
        cmd = [os.path.join(BIN, 'novalite-manage'), '--config-file',
               os.path.join(self.workdir, 'controller.conf'), 'image-create', '--name', name,
               '--file', path, '--disk-format', disk_format, '--container-format',
               container_format]
        for key, value in (properties or {}).items():
            cmd += ['--property', f'{key}={value}']
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        return done.stdout.strip()
