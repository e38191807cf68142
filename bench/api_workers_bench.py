"""200 concurrent ``GET /servers/detail`` against one novalite-api, by ``[api] workers``.

Usage: ``python bench/api_workers_bench.py [--servers 42] [--concurrency 200]
[--workers 1 4] [--connection mysql+pymysql://...]``. It fills a database
(a SQLite file without ``--connection``) as servers_detail_bench.py does,
starts ``novalite-api`` once per workers value, fires the requests from as
many client threads at once and prints each request's latency p50 and p95
and the wall time of the burst.
"""

import argparse
import concurrent.futures
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

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
    with open(conf, 'w') as f:
        f.write(f'[DEFAULT]\ntransport_url = fake:/\nstate_path = {workdir}\n'
                f'[database]\nconnection = {connection}\n'
                f'[api]\nlisten = 127.0.0.1\nport = {port}\nworkers = {workers}\n')
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


def _timed_get(url):
    started = time.perf_counter()
    response = requests.get(url, headers=_HEADERS, timeout=120)
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def _burst(url, concurrency):
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        started = time.perf_counter()
        timings = sorted(pool.map(_timed_get, [url] * concurrency))
        return timings, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--servers', type=int, default=42)
    parser.add_argument('--concurrency', type=int, default=200)
    parser.add_argument('--workers', type=int, nargs='+', default=[1, os.cpu_count()])
    parser.add_argument('--connection')
    args = parser.parse_args()
    workdir = tempfile.mkdtemp()
    connection = args.connection or f'sqlite:///{workdir}/bench.sqlite'
    servers_detail_bench._setup(connection, args.servers)
    for workers in args.workers:
        proc, url = _start_api(workdir, connection, workers)
        try:
            _burst(url, 10)  # warm every worker's imports and pools
            timings, wall = _burst(url, args.concurrency)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        print(f'{args.concurrency} concurrent GET /servers/detail, {args.servers} servers, '
              f'workers={workers}: p50 {statistics.median(timings):.0f} ms, '
              f'p95 {timings[int(len(timings) * 0.95)]:.0f} ms, burst {wall:.2f} s')


if __name__ == '__main__':
    main()
