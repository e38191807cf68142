"""Atomic claims: a node's usage never exceeds its limits, and leaks are healed."""

import threading

import pytest

from novalite.db import claims, instances, services

ONE = {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1}


@pytest.fixture
def node(db):
    return services.compute_node_report('h1', 'h1', {
        'hypervisor_type': 'fake', 'vcpus': 2, 'memory_mb': 1536, 'local_gb': 10,
        'availability_zone': 'nova', 'reserved_host_memory_mb': 512,
        'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0})


def _used(node):
    return services.compute_node_get(node['id'])['memory_mb_used']


def test_claim_within_limits_adds_usage(node):
    assert claims.claim('a', node['id'], ONE)
    assert _used(node) == 512


def test_claim_beyond_reserved_memory_is_refused(node):
    assert claims.claim('a', node['id'], ONE)
    assert claims.claim('b', node['id'], ONE)
    assert not claims.claim('c', node['id'], ONE)
    assert _used(node) == 1024


def test_claiming_twice_for_one_consumer_counts_once(node):
    assert claims.claim('a', node['id'], ONE)
    assert claims.claim('a', node['id'], ONE)
    assert _used(node) == 512


def test_release_frees_the_usage(node):
    claims.claim('a', node['id'], ONE)
    assert claims.release('a') == 1
    assert _used(node) == 0


def test_concurrent_claims_never_overcommit(node):
    results = []

    def claim(consumer):
        results.append(claims.claim(consumer, node['id'], ONE))

    threads = [threading.Thread(target=claim, args=(f'c{n}',)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 2
    assert _used(node) == 1024


def test_heal_releases_claims_of_deleted_instances_only(node):
    flavor = {'memory_mb': 512}
    live, gone = instances.instances_create([
        {'uuid': uuid, 'flavor': flavor, 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
         'ephemeral_gb': 0, 'vm_state': 'active', 'host': 'h1', 'node': 'h1'}
        for uuid in ('live', 'gone')])
    claims.claim(live['uuid'], node['id'], ONE)
    claims.claim(gone['uuid'], node['id'], ONE)
    instances.instance_destroy(gone['uuid'])

    assert claims.heal_node(node['id']) == ['gone']
    assert _used(node) == 512


def test_instance_update_accepts_timestamps_sent_over_rpc_as_text(node):
    (instance,) = instances.instances_create([
        {'uuid': 'i', 'flavor': {}, 'memory_mb': 1, 'vcpus': 1, 'root_gb': 1,
         'ephemeral_gb': 0, 'vm_state': 'building'}])
    updated = instances.instance_update('i', {'launched_at': '2026-11-22T05:09:28.198000'})
    assert updated['launched_at'] == '2026-11-22T05:09:28.198000'


def test_heal_releases_the_claim_of_a_build_aborted_for_good(node):
    flavor = {'memory_mb': 512}
    aborted, scheduling = instances.instances_create([
        {'uuid': uuid, 'flavor': flavor, 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
         'ephemeral_gb': 0, 'vm_state': vm_state, 'task_state': task_state}
        for uuid, vm_state, task_state in (('aborted', 'error', None),
                                           ('scheduling', 'building', 'scheduling'))])
    claims.claim(aborted['uuid'], node['id'], ONE)
    claims.claim(scheduling['uuid'], node['id'], ONE)

    assert claims.heal_node(node['id']) == ['aborted']
    assert _used(node) == 512
