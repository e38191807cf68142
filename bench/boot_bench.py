"""Boot benchmark across real daemons: fake driver, RabbitMQ and a real database.

Starts api, conductor, scheduler and COMPUTES compute processes (separate
processes, as tests/integration does), then measures, for each N given:

* N single boot requests at CONCURRENCY: servers/s, the rate the API accepted
  the requests at, and create→ACTIVE p50/p95;
* one multi-create of N: servers/s;
* ``GET /servers/detail`` latency with all 2N servers present, until the
  response is in, and through novalite's client, which also parses it;
* deleting all 2N until the list is empty;
* the RSS of every daemon;
* the CPU milliseconds per server that each daemon, RabbitMQ and MariaDB
  spent during the single boots, the multi-create and the deletes.

``--auth keystone`` runs the same behind a real Keystone (the integration
tests' one): the API validates every token with keystonemiddleware, which
caches a validated token in the process, as a deployment does.

    python bench/boot_bench.py --servers 50 200 --db mysql+pymysql://root@127.0.0.1/novalite_bench
"""

import argparse
import concurrent.futures
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse

import sqlalchemy.engine

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from novalite.cli import client as novalite_client  # noqa: E402
from tests.integration.cloud import Cloud  # noqa: E402
from tests.integration.conftest import make_database  # noqa: E402
from tests.integration.keystone import server as keystone_server  # noqa: E402

# Production heartbeat and periodic intervals, not the integration tests' fast ones.
BIG_HOST = {'fake': {'vcpus': 1000, 'memory_mb': 4096000, 'local_gb': 100000},
            'compute': {'resource_report_interval': 60},
            'DEFAULT': {'report_interval': 10, 'service_down_time': 60,
                        'periodic_interval': 10}}
# Where a database server whose CPU counts as part of a boot's cost listens when
# its URL names no port (RabbitMQ's is in the transport URL). Only MariaDB's:
# it serves every connection in one process, where each PostgreSQL connection
# is a process of its own that the listener's CPU time does not include.
DEFAULT_PORTS = {'mysql': 3306}


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class ActiveWatcher:
    """Records, per server, the seconds from its create request until it left BUILD.

    Polls the light list of servers still in BUILD, as a waiting client
    would, so that watching does not load the API with full detail lists.
    It runs while requests are still being submitted: a server that goes
    ACTIVE before the last request is sent is timed when it does.
    """

    def __init__(self, cloud, interval=0.1):
        self.cloud, self.interval = cloud, interval
        self.created_at, self.done = {}, {}
        self._lock = threading.Lock()

    def created(self, server_id, requested):
        with self._lock:
            self.created_at[server_id] = requested

    def _poll(self):
        with self._lock:
            pending = set(self.created_at) - set(self.done)
        building = {server['id'] for server in self.cloud.client.servers.list(
            detailed=False, all_tenants=True, status='BUILD')}
        now = time.monotonic()
        for server_id in pending - building:
            self.done[server_id] = now - self.created_at[server_id]

    def watch(self, submitting, expected, timeout=600):
        """Poll until EXPECTED servers have left BUILD; SUBMITTING is a future."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._poll()
            if submitting.done() and len(self.done) >= expected:
                break
            time.sleep(self.interval)
        submitting.result()
        return self.done


def single_boots(cloud, count, concurrency, prefix):
    watcher = ActiveWatcher(cloud)

    def boot(index):
        requested = time.monotonic()
        server = cloud.client.servers.create(f'{prefix}-{index}', cloud.image_id, '1',
                                             networks='none')
        watcher.created(server['id'], requested)

    def submit_all():
        list(pool.map(boot, range(count)))
        return time.monotonic()

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency + 1) as pool:
        submitting = pool.submit(submit_all)
        latencies = watcher.watch(submitting, count)
    elapsed = max(watcher.created_at[s] + latencies[s] for s in latencies) - start
    return (count / elapsed, count / (submitting.result() - start),
            _percentile(latencies.values(), 0.5), _percentile(latencies.values(), 0.95))


def multi_create(cloud, count):
    watcher = ActiveWatcher(cloud)
    start = time.monotonic()
    servers = cloud.client.servers.create('multi', cloud.image_id, '1', min_count=count,
                                          max_count=count, networks='none')
    for server in servers:
        watcher.created(server['id'], start)
    finished = concurrent.futures.Future()
    finished.set_result(None)
    return count / max(watcher.watch(finished, count).values())


def detail_latency(cloud, samples=20):
    """p50 seconds of ``GET /servers/detail``: until the whole response is in, and
    through novalite's client, which also parses the JSON into Python objects."""
    client = cloud.client
    params = {'all_tenants': 1, 'limit': 1000}
    headers = {'OpenStack-API-Version': f'compute {client.microversion}'}

    def http():
        resp = client.session.get(client.endpoint + '/servers/detail', params=params,
                                  headers=headers)
        resp.raise_for_status()

    def parsed():
        client.get('/servers/detail', params=params)
    return tuple(_median_seconds(call, samples) for call in (http, parsed))


def _median_seconds(call, samples):
    timings = []
    for _ in range(samples):
        start = time.monotonic()
        call()
        timings.append(time.monotonic() - start)
    return statistics.median(timings)


def delete_all(cloud):
    servers = cloud.client.servers.list(all_tenants=True)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda s: cloud.client.servers.delete(s['id']), servers))
    cloud.wait_for(lambda: not cloud.client.servers.list(detailed=False, all_tenants=True),
                   'deletes', timeout=600, interval=0.25)
    return len(servers), time.monotonic() - start


def rss_mib(cloud):
    total = {}
    for name, (proc, *_details) in cloud.procs.items():
        with open(f'/proc/{proc.pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    total[name] = int(line.split()[1]) / 1024
    return total


def _cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rpartition(')')[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def _listening_pid(port):
    """The pid of the process listening on TCP ``port``, or None.

    By the port, not by name: ``rabbitmqctl``, which tests running beside
    the bench call to make their vhosts, is an Erlang VM named ``beam.smp``
    too, and a phase that read the broker's CPU at its start and a
    ``rabbitmqctl``'s at its end came out negative.
    """
    sockets = set()
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        with open(table) as f:
            for line in list(f)[1:]:
                fields = line.split()
                if fields[3] == '0A' and int(fields[1].rpartition(':')[2], 16) == port:
                    sockets.add(f'socket:[{fields[9]}]')
    for entry in filter(str.isdigit, os.listdir('/proc')):
        try:
            links = [os.readlink(f'/proc/{entry}/fd/{fd}')
                     for fd in os.listdir(f'/proc/{entry}/fd')]
        except OSError:
            continue
        if sockets.intersection(links):
            return int(entry)
    return None


def service_pids(cloud, db_url):
    """RabbitMQ's and the database server's pids, named as their processes are."""
    ports = [urllib.parse.urlsplit(cloud.transport_url).port or 5672]
    database = sqlalchemy.engine.make_url(db_url)
    if database.get_backend_name() in DEFAULT_PORTS:
        ports.append(database.port or DEFAULT_PORTS[database.get_backend_name()])
    pids = {}
    for port in ports:
        pid = _listening_pid(port)
        if pid is not None:
            with open(f'/proc/{pid}/comm') as f:
                pids[f.read().strip()] = pid
    return pids


def cpu_snapshot(cloud, services):
    """CPU seconds used so far by every daemon and by the SERVICES (name: pid)."""
    pids = {name: proc.pid for name, (proc, *_details) in cloud.procs.items()}
    pids.update(services)
    return {name: _cpu_seconds(pid) for name, pid in pids.items()}


def measured(cloud, services, phase, cpu):
    """Runs PHASE (a callable); records in CPU the CPU seconds each process spent."""
    before = cpu_snapshot(cloud, services)
    result = phase()
    after = cpu_snapshot(cloud, services)
    cpu.update({name: after[name] - before.get(name, 0.0) for name in after})
    return result


def _cpu_line(label, cpu, count):
    return (f'  CPU ms per server, {label}: '
            + ', '.join(f'{name} {seconds * 1000 / count:.1f}' for name, seconds in cpu.items())
            + f'; total {sum(cpu.values()) * 1000 / count:.1f}')


def _behind_keystone(workdir, options):
    """Start a Keystone; returns it and the admin token, and sets ``options`` to use it."""
    keystone = keystone_server.Keystone(workdir).start()
    keystone.service_user('novalite', 'bench-secret')
    options['api'] = {'auth_strategy': 'keystone'}
    options['keystone_authtoken'] = keystone.authtoken_options('novalite', 'bench-secret')
    return keystone, keystone.token('admin', 'admin')


def run(db_url, count, concurrency, computes, auth):
    with tempfile.TemporaryDirectory() as workdir:
        options = {key: dict(value) for key, value in BIG_HOST.items()}
        keystone = None
        cloud = Cloud(workdir, db_url, computes=computes, options=options)
        if auth == 'keystone':
            keystone, token = _behind_keystone(workdir, options)
            cloud.client = novalite_client.Client(cloud.client.endpoint, token=token,
                                                  timeout=60)
        try:
            cloud.start()
            cloud.client.flavors.create('bench', 64, 1, 1, id='1')
            cloud.image_id = cloud.create_image()
            services = service_pids(cloud, db_url)
            single_cpu, multi_cpu, delete_cpu = {}, {}, {}
            rate, accepted, p50, p95 = measured(
                cloud, services, lambda: single_boots(cloud, count, concurrency, 'single'),
                single_cpu)
            multi_rate = measured(cloud, services, lambda: multi_create(cloud, count),
                                  multi_cpu)
            detail = detail_latency(cloud)
            deleted, delete_seconds = measured(cloud, services, lambda: delete_all(cloud),
                                               delete_cpu)
            rss = rss_mib(cloud)
        finally:
            cloud.stop()
            if keystone:
                keystone.stop()
    print(f'N={count} ({auth}): single boots {rate:.1f} servers/s (requests accepted at '
          f'{accepted:.0f}/s), create->ACTIVE p50 {p50:.2f} s '
          f'p95 {p95:.2f} s; multi-create {multi_rate:.1f} servers/s; '
          f'GET /servers/detail ({2 * count} servers) p50 {detail[0] * 1000:.0f} ms '
          f'({detail[1] * 1000:.0f} ms parsed by the client); '
          f'delete {deleted} until gone {delete_seconds:.1f} s')
    print('  RSS MiB: ' + ', '.join(f'{name} {mib:.0f}' for name, mib in rss.items())
          + f'; total {sum(rss.values()):.0f}')
    print(_cpu_line('single boots', single_cpu, count))
    print(_cpu_line('multi-create', multi_cpu, count))
    print(_cpu_line('delete', delete_cpu, deleted))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--servers', type=int, nargs='+', default=[50, 200])
    parser.add_argument('--concurrency', type=int, default=8)
    parser.add_argument('--computes', type=int, default=4)
    parser.add_argument('--db', choices=['sqlite', 'mariadb', 'postgresql'], default='mariadb')
    parser.add_argument('--auth', choices=['noauth2', 'keystone'], default='noauth2',
                        help='keystone: behind a real Keystone, tokens validated and cached '
                             'by keystonemiddleware')
    args = parser.parse_args()
    for count in args.servers:
        with tempfile.TemporaryDirectory() as scratch:
            url, drop = make_database(args.db, scratch)
            try:
                run(url, count, args.concurrency, args.computes, args.auth)
            finally:
                drop()


if __name__ == '__main__':
    main()
