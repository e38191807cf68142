"""Helpers of the scheduler tests: compute hosts in the database, host states, specs."""

import datetime
import json
import types
import uuid

import pytest

from novalite.db import services as db_services
from novalite.db.models import utcnow
from novalite.scheduler import host_manager, request_spec, selection

FLAVOR = {'flavorid': '1', 'name': 'm1.test', 'memory_mb': 1024, 'vcpus': 1, 'root_gb': 10,
          'ephemeral_gb': 0, 'swap': 0, 'extra_specs': {}}
SUPPORTED = [['x86_64', 'qemu', 'hvm']]


def make_spec(flavor=None, **values):
    """A request spec dict for one server of ``flavor`` (default FLAVOR)."""
    spec = {'project_id': 'p', 'user_id': 'u', 'flavor': dict(FLAVOR, **(flavor or {})),
            'image': {'id': 'img', 'properties': {}}, 'availability_zone': None,
            'scheduler_hints': {}, 'num_instances': 1, 'ignore_hosts': [],
            'force_hosts': [], 'force_nodes': []}
    spec.update(values)
    return spec


def add_host(name, vcpus=4, memory_mb=4096, local_gb=100, zone='nova', up=True,
             disabled=False, supported_instances=None, **resources):
    """A compute service and its node ``name`` in the database; returns the node row."""
    service = db_services.service_get_or_create(name, 'novalite-compute', 'compute')
    values = {}
    if not up:
        values['last_seen_up'] = utcnow() - datetime.timedelta(hours=1)
    if disabled:
        values['disabled'] = True
    if values:
        db_services.service_update(service['id'], values)
    report = {'hypervisor_type': 'QEMU', 'hypervisor_version': 7002000,
              'availability_zone': zone, 'vcpus': vcpus, 'memory_mb': memory_mb,
              'local_gb': local_gb, 'reserved_host_memory_mb': 0,
              'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
              'disk_allocation_ratio': 1.0,
              'supported_instances': SUPPORTED if supported_instances is None
              else supported_instances}
    report.update(resources)
    return db_services.compute_node_report(name, name, report)


def make_state(host='host1', node_id=1, service=True, num_instances=0, **values):
    """A HostState without the database: an up, enabled host of 4 vCPUs, 4 GiB, 100 GB."""
    row = {'id': node_id, 'host': host, 'hypervisor_hostname': host,
           'hypervisor_type': 'QEMU', 'hypervisor_version': 7002000,
           'availability_zone': 'nova', 'supported_instances': json.dumps(SUPPORTED),
           'vcpus': 4, 'memory_mb': 4096, 'local_gb': 100, 'vcpus_used': 0,
           'memory_mb_used': 0, 'local_gb_used': 0, 'reserved_host_cpus': 0,
           'reserved_host_memory_mb': 0, 'reserved_host_disk_mb': 0,
           'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
           'disk_allocation_ratio': 1.0}
    row.update(values)
    if isinstance(row['supported_instances'], list):
        row['supported_instances'] = json.dumps(row['supported_instances'])
    if service is True:
        service = {'id': node_id, 'host': host, 'disabled': False, 'forced_down': False,
                   'last_seen_up': utcnow(), 'updated_at': None, 'created_at': utcnow()}
    return host_manager.HostState(types.SimpleNamespace(**row), service or None,
                                  num_instances)


def parse(spec=None, **values):
    """A RequestSpec of ``make_spec(**values)`` (or of ``spec``)."""
    return request_spec.RequestSpec(spec or make_spec(**values))


def new_uuid():
    return str(uuid.uuid4())


@pytest.fixture
def scheduler(db):
    """A FilterScheduler on the test database with the default pipeline."""
    return selection.FilterScheduler()
