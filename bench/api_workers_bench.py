"""200 concurrent ``GET /servers/detail`` against one novalite-api, by ``[api] workers``.

Usage: ``python bench/api_workers_bench.py [--servers 50] [--concurrency 200]
[--workers 1 2 0] [--connection mysql+pymysql://...]``. It fills a database
(a SQLite file without ``--connection``) as servers_detail_bench.py does,
starts ``novalite-api`` once per workers value (0 leaves the option unset:
one worker per CPU) and fires the burst with ApacheBench (``ab``, Debian's
``apache2-utils``), a C client whose own CPU stays out of the figures, then
prints ab's latency p50, p95 and max, the wall time of the burst, the CPU
the API's processes spent on it (per request, and per process) and the CPU
the database server spent per request.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import psutil
import requests
import servers_detail_bench  # bench/ is the script's own directory

_HEADERS = {'X-Auth-Token': 'admin:demo', 'OpenStack-API-Version': 'compute 2.37'}


def _free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _start_api(workdir, connection, workers):
    port = _free_port()
    conf = os.path.join(workdir, f'api-{workers}.conf')
    workers_line = f'workers = {workers}\n' if workers else ''
    with open(conf, 'w') as f:
        f.write(f'[DEFAULT]\ntransport_url = fake:/\nstate_path = {workdir}\n'
                f'[database]\nconnection = {connection}\n'
                f'[api]\nlisten = 127.0.0.1\nport = {port}\n{workers_line}')
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), 'novalite-api'),
                             '--config-file', conf, '--log-file',
                             os.path.join(workdir, f'api-{workers}.log')])
    url = f'http://127.0.0.1:{port}/v2.1/servers/detail'
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, headers=_HEADERS, timeout=5).ok:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError('novalite-api did not answer within 60 s')


def _ab(url, requests_, concurrency):
    """Run ab; returns its report, raising if any request failed."""
    headers = [arg for name, value in _HEADERS.items() for arg in ('-H', f'{name}: {value}')]
    report = subprocess.run(['ab', '-q', '-s', '120', '-n', str(requests_),
                             '-c', str(concurrency), *headers, url],
                            check=True, capture_output=True, text=True).stdout
    failed = int(re.search(r'Failed requests:\s+(\d+)', report).group(1))
    non_2xx = re.search(r'Non-2xx responses:\s+(\d+)', report)
    if failed or non_2xx:
        raise RuntimeError(f'ab saw failures:\n{report}')
    return report


def _figures(report):
    percentile = dict(re.findall(r'^\s+(\d+)%\s+(\d+)', report, re.MULTILINE))
    wall = float(re.search(r'Time taken for tests:\s+([\d.]+)', report).group(1))
    return (f'p50 {percentile["50"]} ms, p95 {percentile["95"]} ms, '
            f'max {percentile["100"]} ms, burst {wall:.2f} s')


def _cpu_seconds(proc):
    """CPU seconds used by each process of the API (the launcher, then its
    workers) and by the database server (0 for SQLite)."""
    parent = psutil.Process(proc.pid)
    database = [p for p in psutil.process_iter(['name'])
                if p.info['name'] in ('mariadbd', 'mysqld', 'postgres')]
    return ([sum(p.cpu_times()[:2]) for p in [parent, *parent.children()]],
            sum(sum(p.cpu_times()[:2]) for p in database))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--servers', type=int, default=50)
    parser.add_argument('--concurrency', type=int, default=200)
    parser.add_argument('--workers', type=int, nargs='+', default=[1, 2, 0],
                        help='[api] workers values to measure; 0 leaves it unset')
    parser.add_argument('--connection')
    args = parser.parse_args()
    if shutil.which('ab') is None:
        sys.exit('ab not found: install apache2-utils')
    workdir = tempfile.mkdtemp()
    connection = args.connection or f'sqlite:///{workdir}/bench.sqlite'
    servers_detail_bench._setup(connection, args.servers)
    for workers in args.workers:
        proc, url = _start_api(workdir, connection, workers)
        try:
            _ab(url, 20, 10)  # warm every worker's imports and pools
            (api_before, db_before) = _cpu_seconds(proc)
            report = _ab(url, args.concurrency, args.concurrency)
            (api_after, db_after) = _cpu_seconds(proc)
            used = [after - start for after, start in zip(api_after, api_before, strict=True)]
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        label = workers or f'unset ({os.cpu_count()} CPUs)'
        print(f'{args.concurrency} concurrent GET /servers/detail, {args.servers} servers, '
              f'workers={label}: {_figures(report)}; API CPU '
              f'{sum(used) * 1000 / args.concurrency:.1f} ms a request (per process '
              f'{" ".join(f"{u:.2f}" for u in used)} s), database CPU '
              f'{(db_after - db_before) * 1000 / args.concurrency:.1f} ms a request',
              flush=True)


if __name__ == '__main__':
    main()
