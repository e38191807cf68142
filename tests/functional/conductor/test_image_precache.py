"""The conductor's side of image pre-caching: every host of the aggregate asked, the
hosts that are down skipped, ``[image_cache] precache_concurrency`` hosts at once."""

import pytest

from novalite import concurrency, context
from novalite.conductor import build
from novalite.db import aggregates, services

IMAGES = ['11111111-0000-4000-8000-000000000000', '22222222-0000-4000-8000-000000000000']


class _Computes:
    """Answers as compute hosts do; records who was asked and how many at once."""

    def __init__(self, failing=()):
        self.asked, self.running, self.peak = [], 0, 0
        self.failing = failing

    def cache_images(self, context, host, image_ids):
        self.asked.append(host)
        self.running += 1
        self.peak = max(self.peak, self.running)
        concurrency.sleep(0.01)
        self.running -= 1
        if host in self.failing:
            raise TimeoutError('no answer')
        return dict.fromkeys(image_ids, 'cached')


def _aggregate(hosts, down=()):
    aggregate = aggregates.aggregate_create('precache', None)
    for host in hosts:
        service = services.service_get_or_create(host, 'novalite-compute', 'compute')
        services.service_heartbeat(service['id'])
        if host in down:
            services.service_update(service['id'], {'forced_down': True})
        aggregates.aggregate_host_add(aggregate['id'], host)
    return aggregate


@pytest.fixture
def manager(db):
    task_manager = build.ComputeTaskManager()
    task_manager.compute = task_manager.precache.compute = _Computes()
    return task_manager


def _run(manager, aggregate):
    return manager.precache.cache_images(context.get_admin_context(), aggregate['id'], IMAGES)


def test_every_host_that_is_up_is_asked_and_the_down_ones_skipped(manager):
    aggregate = _aggregate(['c1', 'c2', 'c3'], down=['c2'])
    results = _run(manager, aggregate)
    assert sorted(manager.compute.asked) == ['c1', 'c3']
    assert results == {'c1': dict.fromkeys(IMAGES, 'cached'),
                       'c2': dict.fromkeys(IMAGES, 'skipped'),
                       'c3': dict.fromkeys(IMAGES, 'cached')}


def test_hosts_are_asked_precache_concurrency_at_a_time(manager, conf):
    conf.set_override('precache_concurrency', 2, group='image_cache')
    _run(manager, _aggregate([f'c{n}' for n in range(6)]))
    assert len(manager.compute.asked) == 6 and manager.compute.peak == 2


def test_by_default_one_host_at_a_time(manager):
    _run(manager, _aggregate(['c1', 'c2', 'c3']))
    assert manager.compute.peak == 1


def test_a_host_that_fails_to_answer_does_not_stop_the_others(manager):
    manager.precache.compute = _Computes(failing=['c1'])
    results = _run(manager, _aggregate(['c1', 'c2']))
    assert results['c1'] == dict.fromkeys(IMAGES, 'error')
    assert results['c2'] == dict.fromkeys(IMAGES, 'cached')


def test_an_aggregate_deleted_meanwhile_asks_nobody(manager):
    aggregate = _aggregate([])
    aggregates.aggregate_delete(aggregate['id'])
    assert _run(manager, aggregate) == {}
    assert manager.compute.asked == []


def test_the_rpc_entry_point_runs_the_request_in_the_background(manager):
    aggregate = _aggregate(['c1'])
    manager.cache_images(context.get_admin_context(), aggregate['id'], IMAGES)
    manager.tasks.waitall()
    assert manager.compute.asked == ['c1']
