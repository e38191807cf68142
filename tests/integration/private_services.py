"""A RabbitMQ node and a MariaDB server of a test's own, that it may kill and restart.

The machine's shared RabbitMQ (5672) and MariaDB (3306) are never touched:
each private service runs from a temporary directory on free ports, in its
own process group, and :meth:`kill` ends it with SIGKILL as a crash would.
Data survive a restart (the RabbitMQ node's Mnesia directory, the MariaDB
data directory), as they do on a real host.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

from tests.integration.cloud import free_port


def _wait_for_port(port, what, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f'{what} did not listen on port {port} within {timeout} s')


class _PrivateService:
    """A server process in a process group of its own, under a temporary directory."""

    def __init__(self, prefix):
        # Under /tmp, not pytest's private tmp_path: RabbitMQ runs as the
        # rabbitmq user, which must reach its directory.
        self.dir = tempfile.mkdtemp(prefix=prefix, dir='/tmp')
        self.port = free_port()
        self.proc = None

    def _spawn(self, argv, env=None):
        log = open(os.path.join(self.dir, 'server.log'), 'a')
        self.proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def _server_pids(self):
        return []

    def kill(self):
        """SIGKILL the server and everything it started, as a host crash would."""
        pids = self._server_pids()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=30)

    def restart(self, down_seconds=0):
        self.kill()
        time.sleep(down_seconds)
        self.start()

    def destroy(self):
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRabbit(_PrivateService):
    """A RabbitMQ node named ``novalite-<hex>@localhost``, with no plugins."""

    def __init__(self):
        super().__init__('novalite-rabbit-')
        self.node = f'novalite-{uuid.uuid4().hex[:8]}@localhost'
        for name, text in (('enabled_plugins', '[].\n'), ('rabbitmq.conf', ''), ('env', '')):
            with open(os.path.join(self.dir, name), 'w') as f:
                f.write(text)
        shutil.chown(self.dir, 'rabbitmq', 'rabbitmq')
        for name in os.listdir(self.dir):
            shutil.chown(os.path.join(self.dir, name), 'rabbitmq', 'rabbitmq')
        # The distribution port must be free too: by default it is the AMQP
        # port + 20000, the shared node's own for 5672.
        self.env = dict(
            os.environ, RABBITMQ_NODENAME=self.node, RABBITMQ_NODE_IP_ADDRESS='127.0.0.1',
            RABBITMQ_NODE_PORT=str(self.port), RABBITMQ_DIST_PORT=str(free_port()),
            RABBITMQ_MNESIA_BASE=os.path.join(self.dir, 'mnesia'),
            RABBITMQ_LOG_BASE=os.path.join(self.dir, 'log'),
            RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(self.dir, 'enabled_plugins'),
            RABBITMQ_PID_FILE=os.path.join(self.dir, 'beam.pid'),
            RABBITMQ_CONFIG_FILE=os.path.join(self.dir, 'rabbitmq'),
            RABBITMQ_CONF_ENV_FILE=os.path.join(self.dir, 'env'))

    @property
    def url(self):
        return f'rabbit://guest:guest@127.0.0.1:{self.port}/'

    def start(self):
        self._spawn(['rabbitmq-server'], env=self.env)
        _wait_for_port(self.port, f'RabbitMQ node {self.node}')
        return self

    def _server_pids(self):
        # The Erlang VM runs under su, which may leave the process group.
        try:
            with open(self.env['RABBITMQ_PID_FILE']) as f:
                return [int(f.read().strip())]
        except (OSError, ValueError):
            return []


class PrivateMariaDB(_PrivateService):
    """A MariaDB server with a fresh data directory; root without a password."""

    def __init__(self):
        super().__init__('novalite-mariadb-')
        self.datadir = os.path.join(self.dir, 'data')
        subprocess.run(['mariadb-install-db', '--no-defaults', f'--datadir={self.datadir}',
                        '--user=root', '--auth-root-authentication-method=normal',
                        '--skip-test-db'], check=True, capture_output=True)

    def url(self, database):
        return f'mysql+pymysql://root@127.0.0.1:{self.port}/{database}?charset=utf8mb4'

    def start(self):
        self._spawn(['mariadbd', '--no-defaults', f'--datadir={self.datadir}',
                     f'--port={self.port}', '--bind-address=127.0.0.1',
                     f'--socket={os.path.join(self.dir, "mysqld.sock")}',
                     f'--pid-file={os.path.join(self.dir, "mysqld.pid")}', '--user=root',
                     '--skip-log-bin', '--innodb-buffer-pool-size=64M',
                     '--max-connections=500'])
        _wait_for_port(self.port, 'MariaDB')
        return self

    def create_database(self, name):
        import pymysql
        conn = pymysql.connect(host='127.0.0.1', port=self.port, user='root', autocommit=True)
        with conn.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE {name} CHARACTER SET utf8mb4')
        conn.close()
        return self.url(name)
