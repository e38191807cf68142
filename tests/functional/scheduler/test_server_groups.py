"""Server group policies in the scheduler: hard filters, soft weighers, the claim's re-check."""

import pytest

from novalite import exception
from novalite.db import claims, engine
from novalite.db import server_groups as db_groups
from novalite.db import services as db_services
from tests.functional.api.conftest import make_instance
from tests.functional.scheduler.conftest import add_host, make_spec, new_uuid


def _group(policy, rules=None):
    return db_groups.group_create('p', 'u', 'g', policy, rules)


def _join(group, uuids):
    with engine.writer() as session:
        db_groups.add_members(session, group['uuid'], uuids)


def _spec(group, count):
    return make_spec(num_instances=count, instance_group={
        'uuid': group['uuid'], 'policy': group['policy'], 'rules': group['rules']})


def _place(scheduler, group, count):
    uuids = [new_uuid() for _ in range(count)]
    _join(group, uuids)
    selections = scheduler.select_destinations(None, _spec(group, count), uuids)
    for uuid, selection in zip(uuids, selections, strict=True):
        make_instance(uuid=uuid, host=selection[0]['host'], node=selection[0]['nodename'])
    return sorted(selection[0]['host'] for selection in selections)


@pytest.fixture
def hosts(db):
    return [add_host(name, memory_mb=8192) for name in ('a', 'b', 'c')]


def test_anti_affinity_multi_create_spreads_over_hosts(scheduler, hosts):
    assert _place(scheduler, _group('anti-affinity'), 3) == ['a', 'b', 'c']


def test_anti_affinity_fails_when_every_host_has_a_member(scheduler, hosts):
    group = _group('anti-affinity')
    _place(scheduler, group, 3)
    with pytest.raises(exception.NoValidHost, match='ServerGroupAntiAffinityFilter'):
        _place(scheduler, group, 1)


def test_anti_affinity_max_server_per_host_allows_that_many(scheduler, hosts):
    group = _group('anti-affinity', {'max_server_per_host': 2})
    assert _place(scheduler, group, 6) == ['a', 'a', 'b', 'b', 'c', 'c']


def test_affinity_keeps_every_member_on_one_host(scheduler, hosts):
    group = _group('affinity')
    first = _place(scheduler, group, 3)
    assert len(set(first)) == 1
    assert _place(scheduler, group, 1) == first[:1]


def test_soft_anti_affinity_prefers_hosts_without_members(scheduler, hosts, conf):
    conf.set_override('soft_anti_affinity_weight_multiplier', 100.0, group='scheduler')
    assert _place(scheduler, _group('soft-anti-affinity'), 3) == ['a', 'b', 'c']


def test_soft_affinity_prefers_the_members_host(scheduler, hosts, conf):
    conf.set_override('soft_affinity_weight_multiplier', 100.0, group='scheduler')
    placed = _place(scheduler, _group('soft-affinity'), 3)
    assert len(set(placed)) == 1


def test_claim_refuses_a_second_anti_affinity_member_on_a_host(hosts):
    group = _group('anti-affinity')
    first, second = new_uuid(), new_uuid()
    _join(group, [first, second])
    resources = {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1}
    node = hosts[0]['id']
    assert claims.claim(first, node, resources, group)
    # A scheduler that read the hosts before the first claim would pass the
    # filter: the claim itself refuses, and leaves the node's usage alone.
    assert not claims.claim(second, node, resources, group)
    assert db_services.compute_node_get(node)['memory_mb_used'] == 512
    assert claims.claim(second, hosts[1]['id'], resources, group)


def test_claim_refuses_an_affinity_member_on_another_host(hosts):
    group = _group('affinity')
    first, second = new_uuid(), new_uuid()
    _join(group, [first, second])
    resources = {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1}
    assert claims.claim(first, hosts[0]['id'], resources, group)
    assert not claims.claim(second, hosts[1]['id'], resources, group)
    assert claims.claim(second, hosts[0]['id'], resources, group)
