"""Several scheduler workers claiming against one SQLite file never overcommit a node."""

import threading

import pytest

from novalite import exception
from novalite.db import claims
from novalite.db import services as db_services
from novalite.scheduler import selection
from tests.functional.scheduler.conftest import add_host, make_spec, new_uuid

WORKERS = 6


def _run_workers(requests_per_worker, num_instances):
    """Each worker (own FilterScheduler and OS thread) places its requests; returns what was
    placed and the errors raised."""
    schedulers = [selection.FilterScheduler() for _ in range(WORKERS)]
    for scheduler in schedulers:
        scheduler.host_manager.refresh()   # all start from the same, soon stale, view
    start = threading.Barrier(WORKERS)
    placed, errors = [], []

    def work(scheduler):
        start.wait()
        for _ in range(requests_per_worker):
            uuids = [new_uuid() for _ in range(num_instances)]
            try:
                scheduler.select_destinations(None, make_spec(num_instances=num_instances),
                                              uuids)
                placed.extend(uuids)
            except exception.NoValidHost:
                pass
            except Exception as exc:   # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return placed, errors


def _assert_never_overcommitted(placed, errors):
    allocated = 0
    for node in db_services.compute_node_get_all():
        allocations = claims.allocations_get_by_node(node['id'])
        assert node['memory_mb_used'] <= node['memory_mb']
        assert node['memory_mb_used'] == sum(a['memory_mb'] for a in allocations)
        allocated += len(allocations)
    if errors:
        raise errors[0]
    assert allocated == len(placed)


@pytest.fixture
def hosts(db, conf):
    # Every worker goes for the same best host: the claims race constantly.
    conf.set_override('host_subset_size', 1, group='scheduler')
    for host in ('a', 'b', 'c'):
        add_host(host, memory_mb=4096, vcpus=64, local_gb=1000)
    return 12   # servers of 1 GiB that fit


def test_concurrent_workers_fill_every_slot_and_no_more(hosts):
    placed, errors = _run_workers(requests_per_worker=4, num_instances=1)
    _assert_never_overcommitted(placed, errors)
    assert len(placed) == hosts


def test_concurrent_multi_creates_never_overcommit(hosts):
    placed, errors = _run_workers(requests_per_worker=2, num_instances=3)
    _assert_never_overcommitted(placed, errors)
    assert len(placed) <= hosts and len(placed) % 3 == 0
