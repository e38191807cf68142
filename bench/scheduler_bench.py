"""Scheduler benchmark: select_destinations latency over real RPC at 100 to 10,000 hosts.

For each host count: fills a database with that many compute services and
nodes (direct inserts), starts a real scheduler RPC server (a subprocess of
this script serving ``SchedulerManager`` on the ``scheduler`` topic over
``--transport-url``), then times ``SchedulerAPI.select_destinations`` calls
for one server each, releasing the claim after each call. Prints p50/p95.

    python bench/scheduler_bench.py --hosts 100 1000 10000
    python bench/scheduler_bench.py --db-url mysql+pymysql://root@127.0.0.1/novalite_bench
"""

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from novalite import concurrency  # noqa: E402

concurrency.monkey_patch()

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from novalite import config as novalite_config  # noqa: E402
from novalite import context, exception, rpc  # noqa: E402
from novalite.db import claims, engine, migration, models  # noqa: E402

FLAVOR = {'flavorid': '2', 'name': 'm1.small', 'memory_mb': 2048, 'vcpus': 1, 'root_gb': 20,
          'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}}
SPEC = {'project_id': 'bench', 'user_id': 'bench', 'flavor': FLAVOR,
        'image': {'id': 'cirros', 'properties': {'hw_architecture': 'x86_64'}},
        'availability_zone': 'nova', 'scheduler_hints': {}, 'num_instances': 1,
        'ignore_hosts': [], 'force_hosts': [], 'force_nodes': []}


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _configure(args):
    """Load a config file naming the database and transport; it is written once per run."""
    if not args.config_file:
        fd, args.config_file = tempfile.mkstemp(prefix='scheduler-bench-', suffix='.conf')
        with os.fdopen(fd, 'w') as config:
            # The fake services heartbeat once, when the bench inserts them.
            config.write(f'[DEFAULT]\ntransport_url = {args.transport_url}\n'
                         f'control_exchange = {args.exchange}\nservice_down_time = 86400\n'
                         f'[database]\nconnection = {args.db_url}\n')
    novalite_config.parse_args([], default_config_files=[args.config_file])
    engine.configure(args.db_url)


def prepare_database(db_url):
    """An empty database at the newest schema (created on MariaDB/MySQL if missing)."""
    url = make_url(db_url)
    if url.get_backend_name() == 'mysql':
        server = sa.create_engine(url.set(database=''))
        with server.begin() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS `{url.database}`'))
            connection.execute(sa.text(f'CREATE DATABASE `{url.database}`'))
        server.dispose()
    elif url.get_backend_name() == 'sqlite' and url.database and os.path.exists(url.database):
        os.unlink(url.database)
    engine.configure(db_url)
    migration.db_sync()


def populate(count, seed=42):
    """Insert ``count`` up compute services and their nodes, with varied sizes and usage."""
    rng = random.Random(seed)
    now = models.utcnow()
    # A cloud's hosts registered long ago; rows created a moment before the
    # scheduler starts would fall in its look-back margin and be re-read.
    registered = now - datetime.timedelta(hours=1)
    services, nodes = [], []
    for index in range(count):
        host = f'bench-{index:05d}'
        services.append({'uuid': str(uuid.uuid4()), 'host': host, 'binary': 'novalite-compute',
                         'topic': 'compute', 'report_count': 1, 'disabled': index % 50 == 49,
                         'forced_down': False, 'last_seen_up': now, 'version': 0,
                         'created_at': registered, 'deleted': 0})
        vcpus = rng.choice((16, 32, 48, 64))
        memory_mb = rng.choice((65536, 131072, 262144))
        local_gb = rng.choice((500, 1000, 2000))
        nodes.append({
            'uuid': str(uuid.uuid4()), 'host': host, 'hypervisor_hostname': host,
            'hypervisor_type': 'QEMU', 'hypervisor_version': 7002000, 'cpu_info': '{}',
            'host_ip': '127.0.0.1', 'availability_zone': 'nova' if index % 10 else 'other',
            'supported_instances': json.dumps([['x86_64', 'qemu', 'hvm']]),
            'vcpus': vcpus, 'memory_mb': memory_mb, 'local_gb': local_gb,
            'vcpus_used': rng.randrange(vcpus), 'memory_mb_used': rng.randrange(memory_mb // 2),
            'local_gb_used': rng.randrange(local_gb // 2), 'free_disk_gb': local_gb,
            'running_vms': 0, 'reserved_host_cpus': 0, 'reserved_host_memory_mb': 512,
            'reserved_host_disk_mb': 0, 'cpu_allocation_ratio': 4.0,
            'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0, 'generation': 0,
            'created_at': registered, 'deleted': 0})
    with engine.get_engine().begin() as connection:
        for start in range(0, count, 1000):
            connection.execute(sa.insert(models.Service), services[start:start + 1000])
            connection.execute(sa.insert(models.ComputeNode), nodes[start:start + 1000])


def serve(args):
    """The scheduler RPC server (run in a subprocess by the bench)."""
    _configure(args)
    from novalite.scheduler import manager
    scheduler = manager.SchedulerManager('bench-scheduler')
    scheduler.init_host(context.get_admin_context())
    server = rpc.get_server('scheduler', 'bench-scheduler', [scheduler])
    server.start()
    print('ready', flush=True)
    # Until the bench closes our stdin; read in a native thread so that the
    # green RPC server keeps running.
    concurrency.tpool_execute(sys.stdin.read)
    server.stop()
    server.wait()


def churn(args, count):
    """Heartbeat every service each report_interval (10 s) and re-report every node each
    minute, as a live cloud does, in slices once a second (run in a subprocess)."""
    _configure(args)
    services, nodes = models.Service.__table__, models.ComputeNode.__table__
    second = 0
    while True:
        started = time.monotonic()
        now = models.utcnow()
        with engine.get_engine().begin() as connection:
            for table, period, values in ((services, 10, {'last_seen_up': now}),
                                          (nodes, 60, {})):
                size = -(-count // period)
                first = (second % period) * size
                connection.execute(sa.update(table)
                                   .where(table.c.id > first, table.c.id <= first + size)
                                   .values(updated_at=now, **values))
        second += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


def _start_churn(args, count):
    command = [sys.executable, os.path.abspath(__file__), '--churn-hosts', str(count),
               '--db-url', args.db_url, '--config-file', args.config_file]
    return subprocess.Popen(command)


def _start_server(args):
    command = [sys.executable, os.path.abspath(__file__), '--serve', '--db-url', args.db_url,
               '--config-file', args.config_file]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    line = process.stdout.readline()
    if line.strip() != 'ready':
        process.kill()
        raise RuntimeError(f'scheduler server did not start: {line!r}')
    return process


def measure(client, requests, warmup):
    ctxt = context.get_admin_context()
    timings, failures = [], 0
    for index in range(warmup + requests):
        instance_uuid = str(uuid.uuid4())
        start = time.perf_counter()
        try:
            selections = client.select_destinations(ctxt, SPEC, [instance_uuid])
        except exception.NoValidHost:
            failures += 1
            continue
        elapsed = time.perf_counter() - start
        claims.release(instance_uuid, selections[0][0]['compute_node_id'])
        if index >= warmup:
            timings.append(elapsed * 1000.0)
    return timings, failures


def run(args):
    _configure(args)
    from novalite.scheduler import rpcapi
    print(f'database: {make_url(args.db_url).render_as_string(hide_password=True)}')
    print(f'transport: {make_url(args.transport_url).render_as_string(hide_password=True)}')
    rows = []
    for count in args.hosts:
        prepare_database(args.db_url)
        populate(count)
        process = _start_server(args)
        churner = _start_churn(args, count) if args.churn else None
        try:
            client = rpcapi.SchedulerAPI()
            # The first call after start pays for connecting and, when the
            # server's warm-up failed, for the full load.
            first_uuid = str(uuid.uuid4())
            start = time.perf_counter()
            client.select_destinations(context.get_admin_context(), SPEC, [first_uuid])
            first = (time.perf_counter() - start) * 1000.0
            claims.release(first_uuid)
            timings, failures = measure(client, args.requests, args.warmup)
        finally:
            if churner is not None:
                churner.terminate()
                churner.wait(timeout=30)
            process.stdin.close()
            process.wait(timeout=30)
        rows.append((count, len(timings), failures, first, statistics.median(timings),
                     _percentile(timings, 0.95), max(timings)))
    print()
    print(f'{"hosts":>7} {"calls":>6} {"NoValidHost":>11} {"first ms":>9} {"p50 ms":>8} '
          f'{"p95 ms":>8} {"max ms":>8}')
    for count, calls, failures, first, p50, p95, worst in rows:
        print(f'{count:>7} {calls:>6} {failures:>11} {first:>9.1f} {p50:>8.1f} {p95:>8.1f} '
              f'{worst:>8.1f}')
    rpc.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db-url', default=None,
                        help='SQLAlchemy URL of the database (default: a temporary SQLite file)')
    parser.add_argument('--transport-url', default='rabbit://guest:guest@127.0.0.1:5672/')
    parser.add_argument('--hosts', type=int, nargs='+', default=[100, 1000, 10000])
    parser.add_argument('--requests', type=int, default=200, help='timed calls per host count')
    parser.add_argument('--warmup', type=int, default=10)
    parser.add_argument('--exchange', default=f'novalite-bench-{os.getpid()}',
                        help='control exchange, so that no other scheduler answers')
    parser.add_argument('--churn', action='store_true',
                        help='meanwhile heartbeat every service each 10 s and re-report every '
                             'node each 60 s, as live compute hosts do')
    parser.add_argument('--serve', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--churn-hosts', type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument('--config-file', default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db_url is None:
        args.db_url = f'sqlite:///{tempfile.mkdtemp(prefix="scheduler-bench-")}/bench.sqlite'
    if args.serve:
        serve(args)
    elif args.churn_hosts:
        churn(args, args.churn_hosts)
    else:
        run(args)


if __name__ == '__main__':
    main()
