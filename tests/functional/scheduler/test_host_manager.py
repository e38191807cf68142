"""HostManager: host states loaded from the database and kept current incrementally."""

import datetime
import threading
import time
import types

import sqlalchemy as sa

from novalite.db import claims, engine, models
from novalite.db import instances as db_instances
from novalite.db import services as db_services
from novalite.db.models import utcnow
from novalite.scheduler import host_manager
from tests.functional.scheduler.conftest import FLAVOR, add_host, new_uuid


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _by_host(manager):
    return {state.host: state for state in manager.get_host_states()}


def test_host_state_joins_node_service_and_instance_count(db):
    node = add_host('host1', vcpus=8, memory_mb=8192, local_gb=200, zone='az1')
    db_instances.instances_create([{
        'uuid': new_uuid(), 'host': 'host1', 'node': 'host1', 'flavor': FLAVOR,
        'memory_mb': 1, 'vcpus': 1, 'root_gb': 1, 'ephemeral_gb': 0, 'vm_state': 'active'}])
    state = _by_host(host_manager.HostManager())['host1']
    assert (state.node_id, state.nodename, state.availability_zone) == (node['id'], 'host1',
                                                                       'az1')
    assert (state.vcpus_limit, state.memory_mb_limit, state.disk_gb_limit) == (8, 8192, 200)
    assert state.service['host'] == 'host1' and not state.service['disabled']
    assert state.supported_instances == (('x86_64', 'qemu', 'hvm'),)
    assert state.num_instances == 1


def test_node_of_host_without_compute_service_has_no_service(db):
    db_services.compute_node_report('orphan', 'orphan', {
        'hypervisor_type': 'QEMU', 'availability_zone': 'nova', 'vcpus': 1,
        'memory_mb': 1, 'local_gb': 1})
    assert _by_host(host_manager.HostManager())['orphan'].service is None


def test_incremental_refresh_sees_claims_of_other_workers(db):
    node = add_host('host1')
    manager = host_manager.HostManager()
    manager.get_host_states()
    claims.claim(new_uuid(), node['id'], {'vcpus': 2, 'memory_mb': 512, 'disk_gb': 5})
    state = _by_host(manager)['host1']
    assert (state.vcpus_used, state.memory_mb_used, state.local_gb_used) == (2, 512, 5)


def test_incremental_refresh_sees_new_and_deleted_nodes_and_disabled_services(db):
    add_host('host1')
    manager = host_manager.HostManager()
    manager.get_host_states()
    add_host('host2')
    assert set(_by_host(manager)) == {'host1', 'host2'}
    service = db_services.service_get_or_create('host2', 'novalite-compute', 'compute')
    db_services.service_update(service['id'], {'disabled': True})
    assert _by_host(manager)['host2'].service['disabled']
    db_services.service_destroy(service['id'])
    assert set(_by_host(manager)) == {'host1'}


def _age_rows(hours):
    past = utcnow() - datetime.timedelta(hours=hours)
    with engine.writer() as session:
        for model in (models.ComputeNode, models.Service):
            session.execute(sa.update(model).values(created_at=past, updated_at=past))


def test_incremental_refresh_reads_only_changed_rows(db, monkeypatch):
    nodes = [add_host('host1'), add_host('host2')]
    _age_rows(1)
    manager = host_manager.HostManager()
    manager.get_host_states()
    read = []
    real = db_services.compute_nodes_get_for_scheduler
    monkeypatch.setattr(db_services, 'compute_nodes_get_for_scheduler',
                        lambda since=None: read.extend(real(since)) or read)
    assert len(manager.get_host_states()) == 2
    assert read == []
    claims.claim(new_uuid(), nodes[1]['id'], {'vcpus': 1, 'memory_mb': 1, 'disk_gb': 1})
    manager.get_host_states()
    assert [row.host for row in read] == ['host2']


def test_refresh_cadences(db, monkeypatch):
    clock = FakeClock()
    manager = host_manager.HostManager(clock=clock)
    loads = []
    for name in ('_load_all', '_load_services', '_load_service_changes',
                 '_load_node_changes'):
        monkeypatch.setattr(manager, name,
                            lambda *args, name=name: loads.append(name.strip('_')))
    manager.refresh()
    clock.now += 1
    manager.refresh()
    clock.now += 10     # [DEFAULT] report_interval: heartbeats are due
    manager.refresh()
    clock.now += 50     # [scheduler] host_state_refresh_interval: all is due
    manager.refresh()
    assert loads == ['load_all', 'load_service_changes', 'load_node_changes',
                     'load_services', 'load_node_changes', 'load_all']


def test_requests_arriving_during_a_refresh_share_the_next_one(db, monkeypatch):
    add_host('host1')
    manager = host_manager.HostManager()
    manager.get_host_states()
    reading, release, reads = threading.Event(), threading.Event(), []

    def slow_read(since):
        reads.append(since)
        if len(reads) == 1:
            reading.set()
            release.wait(5)

    monkeypatch.setattr(manager, '_load_node_changes', slow_read)
    first = threading.Thread(target=manager.refresh)
    first.start()
    reading.wait(5)
    arrivals = [threading.Thread(target=manager.refresh) for _ in range(3)]
    for thread in arrivals:
        thread.start()
    time.sleep(0.1)     # all three are waiting for the lock
    release.set()
    for thread in (first, *arrivals):
        thread.join(5)
    assert len(reads) == 2


def test_heartbeats_are_read_at_the_heartbeat_period_only(db):
    clock = FakeClock()
    add_host('host1')
    _age_rows(1)
    manager = host_manager.HostManager(clock=clock)
    before = manager.get_host_states()[0].service['last_seen_up']
    service = db_services.service_get_or_create('host1', 'novalite-compute', 'compute')
    db_services.service_heartbeat(service['id'])
    clock.now += 1
    assert manager.get_host_states()[0].service['last_seen_up'] == before
    clock.now += 10
    assert manager.get_host_states()[0].service['last_seen_up'] > before


def test_enabling_a_disabled_service_is_seen_at_once(db):
    clock = FakeClock()
    add_host('host1', disabled=True)
    manager = host_manager.HostManager(clock=clock)
    assert manager.get_host_states()[0].service['disabled']
    service = db_services.service_get_or_create('host1', 'novalite-compute', 'compute')
    db_services.service_update(service['id'], {'disabled': False})
    clock.now += 1
    assert not manager.get_host_states()[0].service['disabled']


def test_consume_and_release_move_usage_and_count(conf):
    from tests.functional.scheduler.conftest import make_state
    state = make_state()
    need = {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 10}
    state.consume(need)
    assert (state.free_vcpus, state.free_ram_mb, state.free_disk_gb) == (3, 3584, 90)
    assert state.num_instances == 1
    state.consume(need, -1)
    assert (state.free_vcpus, state.num_instances) == (4, 0)


def _row(state, **used):
    return types.SimpleNamespace(
        id=state.node_id, host=state.host, hypervisor_hostname=state.nodename,
        hypervisor_type='QEMU', hypervisor_version=1, availability_zone='nova',
        supported_instances=None, vcpus=4, memory_mb=4096, local_gb=100,
        reserved_host_cpus=0, reserved_host_memory_mb=0, reserved_host_disk_mb=0,
        cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0, disk_allocation_ratio=1.0,
        **{'vcpus_used': 0, 'memory_mb_used': 0, 'local_gb_used': 0, **used})


def test_a_refresh_during_a_claim_keeps_the_claim_counted(conf):
    from tests.functional.scheduler.conftest import make_state
    state = make_state()
    need = {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 10}
    state.begin_claim(need)
    state.update_from_row(_row(state))                  # read before the claim committed
    assert state.free_vcpus == 3
    state.end_claim(need, claimed=True)
    state.update_from_row(_row(state, vcpus_used=1, memory_mb_used=512, local_gb_used=10))
    assert (state.free_vcpus, state.free_ram_mb, state.free_disk_gb) == (3, 3584, 90)


def test_a_refused_claim_gives_its_resources_back(conf):
    from tests.functional.scheduler.conftest import make_state
    state = make_state()
    need = {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 10}
    state.begin_claim(need)
    state.end_claim(need, claimed=False)
    state.update_from_row(_row(state))
    assert (state.free_vcpus, state.num_instances) == (4, 0)
