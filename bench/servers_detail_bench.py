"""Time ``GET /servers/detail`` with many servers through the paste-loaded API.

Usage: ``python bench/servers_detail_bench.py [--servers 400] [--runs 50]
[--connection mysql+pymysql://...]``. Without ``--connection`` it uses a
SQLite file in a temporary directory. Servers get faults (every tenth is in
ERROR), metadata and fixed IPs, so the bulk loads are exercised.
"""

import argparse
import gc
import json
import statistics
import tempfile
import time
import uuid

import webob
from oslo_messaging import conffixture

from novalite.api import app as api_app
from novalite.conf import CONF
from novalite.db import actions, engine, instances, migration, services
from novalite.network import api as network_api


def _setup(connection, count):
    fixture = conffixture.ConfFixture(CONF)
    fixture.setUp()
    fixture.transport_url = 'fake:/'
    CONF([], project='novalite', default_config_files=[])
    state = tempfile.mkdtemp()
    CONF.set_override('state_path', state)
    CONF.set_override('cidr', '10.0.0.0/20', group='network')
    engine.configure(connection or f'sqlite:///{state}/bench.sqlite')
    migration.db_sync()
    service = services.service_get_or_create('host1', 'novalite-compute', 'compute')
    services.service_heartbeat(service['id'])
    flavor = {'flavorid': '1', 'name': 'm1.tiny', 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
              'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}}
    rows = [{'uuid': str(uuid.uuid4()), 'project_id': 'demo', 'user_id': 'demo',
             'display_name': f'vm-{i}', 'hostname': f'vm-{i}', 'host': 'host1',
             'node': 'host1', 'image_ref': str(uuid.uuid4()), 'flavor': flavor,
             'instance_type_id': 1, 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
             'ephemeral_gb': 0, 'vm_state': 'error' if i % 10 == 0 else 'active',
             'power_state': 1, 'system_metadata': {'security_groups': 'default'},
             'metadata': {'role': 'web', 'index': str(i)}, 'config_drive': ''}
            for i in range(count)]
    created = instances.instances_create(rows)
    for instance in created:
        network_api.allocate_for_instance(None, instance['uuid'], 'host1')
        if instance['vm_state'] == 'error':
            actions.fault_create(instance['uuid'], 500, 'No valid host was found.')
    return api_app.load_app(CONF)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--servers', type=int, default=400)
    parser.add_argument('--runs', type=int, default=50)
    parser.add_argument('--connection')
    parser.add_argument('--token', default='admin:demo',
                        help='admin:demo lists as an admin, demo:demo as the owner')
    args = parser.parse_args()
    app = _setup(args.connection, args.servers)
    gc.freeze()  # as WSGIServer.start() does
    timings, cpu = [], []
    for _ in range(args.runs):
        req = webob.Request.blank('/v2.1/servers/detail',
                                  headers={'X-Auth-Token': args.token,
                                           'OpenStack-API-Version': 'compute 2.37'})
        started, cpu_started = time.perf_counter(), time.process_time()
        resp = req.get_response(app)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert resp.status_int == 200, resp.text
        assert len(json.loads(resp.body)['servers']) == args.servers
    timings.sort()
    print(f'GET /servers/detail, {args.servers} servers, {args.runs} runs: '
          f'p50 {statistics.median(timings):.1f} ms, '
          f'p90 {timings[int(len(timings) * 0.9)]:.1f} ms, min {timings[0]:.1f} ms; '
          f'CPU p50 {statistics.median(cpu):.1f} ms (steadier on a busy machine)')


if __name__ == '__main__':
    main()
