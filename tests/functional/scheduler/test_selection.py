"""FilterScheduler.select_destinations: pick, claim, consume, retry, alternates, all-or-nothing."""

import threading

import pytest

from novalite import exception
from novalite.db import claims
from novalite.db import services as db_services
from novalite.scheduler import selection
from tests.functional.scheduler.conftest import add_host, make_spec, new_uuid

ONE_GB = {'memory_mb': 1024}


def _allocations(uuids):
    return {uuid: [a['compute_node_id'] for a in claims.allocations_get_by_consumer(uuid)]
            for uuid in uuids}


def _node(host):
    return db_services.compute_node_get_by_host_and_node(host, host)


def test_claims_the_host_with_most_free_resources(scheduler):
    add_host('small', memory_mb=2048)
    big = add_host('big', memory_mb=8192)
    uuid = new_uuid()
    [[chosen, *_alternates]] = scheduler.select_destinations(None, make_spec(), [uuid])
    assert (chosen['host'], chosen['nodename'], chosen['compute_node_id']) == (
        'big', 'big', big['id'])
    assert chosen['resources'] == {'vcpus': 1, 'memory_mb': 1024, 'disk_gb': 10}
    assert chosen['claimed'] is True
    assert _allocations([uuid]) == {uuid: [big['id']]}
    assert _node('big')['memory_mb_used'] == 1024


def test_multi_create_consumes_each_pick_before_the_next(scheduler):
    add_host('a', memory_mb=2048)
    add_host('b', memory_mb=2048)
    uuids = [new_uuid() for _ in range(4)]
    selections = scheduler.select_destinations(None, make_spec(num_instances=4), uuids)
    assert sorted(s[0]['host'] for s in selections) == ['a', 'a', 'b', 'b']
    assert _node('a')['memory_mb_used'] == _node('b')['memory_mb_used'] == 2048


def test_multi_create_is_all_or_nothing(scheduler):
    add_host('a', memory_mb=2048)
    add_host('b', memory_mb=1024)
    uuids = [new_uuid() for _ in range(4)]
    with pytest.raises(exception.NoValidHost):
        scheduler.select_destinations(None, make_spec(num_instances=4), uuids)
    assert _allocations(uuids) == {uuid: [] for uuid in uuids}
    assert _node('a')['memory_mb_used'] == _node('b')['memory_mb_used'] == 0
    # The in-memory usage was given back too: three servers fit.
    assert len(scheduler.select_destinations(None, make_spec(), uuids[:3])) == 3


def test_no_valid_host_reason_counts_what_each_filter_removed(scheduler):
    for host in ('a', 'b', 'c'):
        add_host(host, memory_mb=512)
    with pytest.raises(exception.NoValidHost) as raised:
        scheduler.select_destinations(None, make_spec(), [new_uuid()])
    assert raised.value.format_message() == (
        'No valid host was found. There are not enough hosts available. Filter results: '
        'ComputeFilter removed 0 of 3 hosts, AvailabilityZoneFilter removed 0 of 3 hosts, '
        'ResourceFilter removed 3 of 3 hosts.')


def test_no_valid_host_reason_counts_hosts_filled_by_earlier_servers(scheduler):
    add_host('a', memory_mb=1024)
    add_host('b', memory_mb=1024, up=False)
    with pytest.raises(exception.NoValidHost,
                       match='ComputeFilter removed 1 of 2 hosts, AvailabilityZoneFilter '
                             'removed 0 of 1 hosts, ResourceFilter removed 1 of 1 hosts'):
        scheduler.select_destinations(None, make_spec(num_instances=2),
                                      [new_uuid(), new_uuid()])


def test_lost_claim_race_picks_the_next_best_host(scheduler, monkeypatch):
    add_host('best', memory_mb=8192)
    second = add_host('second', memory_mb=4096)
    real_claim, attempts = claims.claim, []

    def claim_losing_first(consumer, node_id, resources, group=None):
        attempts.append(node_id)
        return len(attempts) > 1 and real_claim(consumer, node_id, resources, group)

    monkeypatch.setattr(claims, 'claim', claim_losing_first)
    uuid = new_uuid()
    [[chosen, *alternates]] = scheduler.select_destinations(None, make_spec(), [uuid])
    assert chosen['compute_node_id'] == second['id']
    assert alternates == []     # the host that lost the race is no alternate
    assert _allocations([uuid]) == {uuid: [second['id']]}


def test_gives_up_after_claim_retries_and_says_so(scheduler, conf, monkeypatch):
    conf.set_override('claim_retries', 2, group='scheduler')
    for host in ('a', 'b', 'c', 'd'):
        add_host(host)
    attempts = []
    monkeypatch.setattr(claims, 'claim', lambda *args: attempts.append(args) and False)
    with pytest.raises(exception.NoValidHost, match='refused claims on 3 hosts'):
        scheduler.select_destinations(None, make_spec(), [new_uuid()])
    assert len(attempts) == 3


def test_returns_alternates_on_other_hosts_unclaimed(scheduler, conf):
    conf.set_override('max_attempts', 3, group='scheduler')
    for host, memory_mb in (('a', 8192), ('b', 6144), ('c', 4096), ('d', 2048)):
        add_host(host, memory_mb=memory_mb)
    uuid = new_uuid()
    [[chosen, *alternates]] = scheduler.select_destinations(None, make_spec(), [uuid])
    assert [chosen['host']] + [alt['host'] for alt in alternates] == ['a', 'b', 'c']
    assert all(alt['claimed'] is False and alt['resources'] == chosen['resources']
               for alt in alternates)
    assert _node('b')['memory_mb_used'] == 0


def test_alternates_exclude_every_host_chosen_by_the_request(scheduler):
    for host in ('a', 'b', 'c', 'd'):
        add_host(host, memory_mb=1024)
    uuids = [new_uuid(), new_uuid()]
    selections = scheduler.select_destinations(None, make_spec(num_instances=2), uuids)
    chosen = {s[0]['host'] for s in selections}
    assert all(alt['host'] not in chosen for s in selections for alt in s[1:])
    assert all(len(s) == 3 for s in selections)


def test_no_alternates_when_not_asked(scheduler):
    add_host('a')
    add_host('b')
    [[only]] = scheduler.select_destinations(None, make_spec(), [new_uuid()],
                                             return_alternates=False)
    assert only['claimed'] is True


def test_ignore_hosts_are_never_chosen(scheduler):
    add_host('tried', memory_mb=8192)
    add_host('other', memory_mb=2048)
    [[chosen, *alternates]] = scheduler.select_destinations(
        None, make_spec(ignore_hosts=['tried']), [new_uuid()])
    assert chosen['host'] == 'other' and alternates == []


def test_only_ignored_hosts_left_says_so(scheduler):
    add_host('tried')
    with pytest.raises(exception.NoValidHost, match='1 of 1 hosts were ignored'):
        scheduler.select_destinations(None, make_spec(ignore_hosts=['tried']), [new_uuid()])


def test_force_hosts_skips_filters_but_not_the_claim(scheduler):
    add_host('big', memory_mb=8192)
    add_host('disabled', memory_mb=2048, disabled=True)
    uuid = new_uuid()
    [[chosen, *_]] = scheduler.select_destinations(
        None, make_spec(availability_zone='nova:disabled'), [uuid])
    assert chosen['host'] == 'disabled'
    with pytest.raises(exception.NoValidHost):
        scheduler.select_destinations(None, make_spec(flavor={'memory_mb': 2048},
                                                      force_hosts=['disabled']), [new_uuid()])


def test_selects_without_claiming_when_given_no_servers(scheduler):
    add_host('a', memory_mb=1024)
    add_host('b', memory_mb=1024)
    selections = scheduler.select_destinations(None, make_spec(num_instances=2), None)
    assert sorted(s[0]['host'] for s in selections) == ['a', 'b']
    assert all(s[0]['claimed'] is False for s in selections)
    assert _node('a')['memory_mb_used'] == 0
    assert len(scheduler.select_destinations(None, make_spec(num_instances=2), None)) == 2


def test_host_subset_size_picks_randomly_among_the_best(scheduler, conf, monkeypatch):
    conf.set_override('host_subset_size', 3, group='scheduler')
    for host, memory_mb in (('a', 8192), ('b', 6144), ('c', 4096), ('d', 2048)):
        add_host(host, memory_mb=memory_mb)
    offered = []
    monkeypatch.setattr(scheduler._random, 'choice',
                        lambda subset: offered.append([s.host for s in subset]) or subset[-1])
    [[chosen]] = scheduler.select_destinations(None, make_spec(), [new_uuid()],
                                               return_alternates=False)
    assert offered == [['a', 'b', 'c']]
    assert chosen['host'] == 'c'


def test_unknown_filter_fails_at_start(db, conf):
    conf.set_override('enabled_filters', ['ComputeFilter', 'TypoFilter'], group='scheduler')
    with pytest.raises(exception.SchedulerHostFilterNotFound, match='TypoFilter'):
        selection.FilterScheduler()


def test_requests_weighed_while_a_claim_is_in_flight_spread(scheduler, monkeypatch):
    add_host('a', memory_mb=4096)
    add_host('b', memory_mb=4096)
    real_claim, claiming, release = claims.claim, threading.Event(), threading.Event()

    def slow_first_claim(*args):
        if not claiming.is_set():
            claiming.set()
            release.wait(5)
        return real_claim(*args)

    monkeypatch.setattr(claims, 'claim', slow_first_claim)
    picked = []

    def place():
        [[chosen, *_alternates]] = scheduler.select_destinations(None, make_spec(),
                                                                 [new_uuid()])
        picked.append(chosen['host'])

    first = threading.Thread(target=place)
    first.start()
    claiming.wait(5)
    second = threading.Thread(target=place)
    second.start()
    second.join(5)
    release.set()
    first.join(5)
    assert sorted(picked) == ['a', 'b']
