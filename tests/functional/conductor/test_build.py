"""The conductor's build queue: arrival order, bounded concurrency, no lost slots."""

import datetime

import pytest
from oslo_utils import timeutils

from novalite import concurrency, context, exception
from novalite.conductor import build, manager
from novalite.db import claims, instances, services


class _Scheduler:
    """Records which builds it was asked to place, and how many at once."""

    def __init__(self, failure):
        self.asked, self.running, self.peak = [], 0, 0
        self.failure = failure

    def select_destinations(self, context, spec, uuids, return_alternates=True):
        self.asked.append(uuids[0])
        self.running += 1
        self.peak = max(self.peak, self.running)
        concurrency.sleep(0.01)
        self.running -= 1
        raise self.failure


def _queue_builds(db, conf, failure, count=6, slots=2):
    conf.set_override('max_concurrent_schedules', slots, group='conductor')
    manager = build.ComputeTaskManager()
    manager.scheduler = _Scheduler(failure)
    ctx = context.get_admin_context()
    names = [f'server-{n}' for n in range(count)]
    for name in names:
        manager.build_instances(ctx, [{'uuid': name}], {'flavor': {}})
    manager.tasks.waitall()
    return manager.scheduler, names


@pytest.mark.parametrize('failure', [exception.NoValidHost(reason='full'),
                                     RuntimeError('scheduler bug')])
def test_builds_are_scheduled_in_arrival_order_at_most_the_configured_number_at_once(
        db, conf, failure):
    scheduler, names = _queue_builds(db, conf, failure)
    assert scheduler.asked == names
    assert scheduler.peak == 2


def test_build_instances_returns_before_the_build_is_scheduled(db, conf):
    manager = build.ComputeTaskManager()
    manager.scheduler = _Scheduler(exception.NoValidHost(reason='full'))
    manager.build_instances(context.get_admin_context(), [{'uuid': 'queued'}], {'flavor': {}})
    assert manager.scheduler.asked == []
    manager.tasks.waitall()
    assert manager.scheduler.asked == ['queued']


class _HeldScheduler(_Scheduler):
    """Places nothing until released."""

    def __init__(self):
        super().__init__(exception.NoValidHost(reason='full'))
        self.release = concurrency.Event()

    def select_destinations(self, context, spec, uuids, return_alternates=True):
        self.release.wait()
        return super().select_destinations(context, spec, uuids, return_alternates)


def _new_build(manager, name):
    manager.schedule_and_build_instances(context.get_admin_context(), [{'uuid': name}],
                                         {'flavor': {}})


def test_a_new_build_is_answered_once_it_is_placed(db, conf):
    manager = build.ComputeTaskManager()
    manager.scheduler = _Scheduler(exception.NoValidHost(reason='full'))
    _new_build(manager, 'new')
    assert manager.scheduler.asked == ['new']


def test_a_caller_waits_for_placement_no_longer_than_the_timeout(db, conf):
    conf.set_override('placement_wait_timeout', 1, group='conductor')
    manager = build.ComputeTaskManager()
    manager.scheduler = _HeldScheduler()
    with concurrency.Timeout(3):
        _new_build(manager, 'slow')
    assert manager.scheduler.asked == []
    manager.scheduler.release.send()
    manager.tasks.waitall()
    assert manager.scheduler.asked == ['slow']


def test_callers_beyond_half_the_rpc_workers_are_answered_without_waiting(db, conf):
    manager = build.ComputeTaskManager()
    manager.scheduler = _HeldScheduler()
    waiting = [concurrency.spawn(_new_build, manager, f'held-{n}') for n in range(32)]
    concurrency.sleep(0)
    with concurrency.Timeout(1):
        _new_build(manager, 'answered-at-once')
    assert not any(caller.dead for caller in waiting)
    manager.scheduler.release.send()
    for caller in waiting:
        caller.wait()
    assert len(manager.scheduler.asked) == 33


def test_a_stopping_conductor_schedules_the_builds_it_queued(db, conf):
    conductor = manager.ConductorManager('conductor')
    conductor.compute_task_mgr.scheduler = _Scheduler(exception.NoValidHost(reason='full'))
    for name in ('first', 'second', 'third'):
        conductor.compute_task_mgr.build_instances(context.get_admin_context(),
                                                   [{'uuid': name}], {'flavor': {}})
    conductor.cleanup_host()
    assert conductor.compute_task_mgr.scheduler.asked == ['first', 'second', 'third']


def _stale_build(name):
    long_ago = datetime.datetime(2020, 1, 1)
    (instance,) = instances.instances_create([{
        'uuid': name, 'project_id': 'p', 'user_id': 'u', 'memory_mb': 64, 'vcpus': 1,
        'root_gb': 1, 'ephemeral_gb': 0, 'vm_state': 'building', 'task_state': 'scheduling',
        'flavor': {'flavorid': '1'}, 'request_spec': {'flavor': {'flavorid': '1'}},
        'created_at': long_ago, 'updated_at': long_ago}])
    return instance


def test_recovery_goes_on_past_a_build_deleted_meanwhile(db, conf, monkeypatch):
    for name in ('deleted-meanwhile', 'still-there'):
        _stale_build(name)
    real_get = instances.request_spec_get

    def deleted_first(uuid):
        if uuid == 'deleted-meanwhile':
            raise exception.InstanceNotFound(instance_id=uuid)
        return real_get(uuid)

    monkeypatch.setattr(instances, 'request_spec_get', deleted_first)
    manager = build.ComputeTaskManager()
    manager.scheduler = _Scheduler(exception.NoValidHost(reason='full'))
    manager.recover_lost_builds(context.get_admin_context())
    assert manager.scheduler.asked == ['still-there']


class _PlacingScheduler:
    def select_destinations(self, context, spec, uuids, return_alternates=True):
        return [[{'host': 'host1', 'nodename': 'node1', 'availability_zone': 'az1'}]
                for _uuid in uuids]


class _Computes:
    def __init__(self):
        self.builds = []

    def build_and_run_instance(self, context, host, instance, node, *args):
        self.builds.append(instance)


def test_a_placed_server_is_in_its_hosts_zone(db, conf):
    built = _stale_build('placed')
    manager = build.ComputeTaskManager()
    manager.scheduler, manager.compute = _PlacingScheduler(), _Computes()
    _new_build(manager, built['uuid'])
    placed = instances.instance_get(built['uuid'])
    assert (placed['host'], placed['node'], placed['availability_zone']) == \
        ('host1', 'node1', 'az1')
    assert manager.compute.builds[0]['availability_zone'] == 'az1'


def _compute_service(last_beat_seconds_ago):
    service = services.service_get_or_create('compute1', 'novalite-compute', 'compute')
    beat = timeutils.utcnow() - datetime.timedelta(seconds=last_beat_seconds_ago)
    return services.service_update(service['id'], {'last_seen_up': beat})


# Silent 3 s: a broker restart lapsed the beats of hosts that are fine (issue 14).
# Silent an hour: so was the conductor they beat through, which just came back.
@pytest.mark.parametrize('silent_seconds', [3, 3600])
def test_a_build_finding_no_host_while_computes_lapsed_tries_again_once_they_beat(
        db, conf, silent_seconds):
    conf.set_override('report_interval', 1)
    conf.set_override('service_down_time', 2)
    service = _compute_service(silent_seconds)
    manager = build.ComputeTaskManager()
    manager.scheduler = _Scheduler(exception.NoValidHost(reason='ComputeFilter removed 1'))
    queued = _stale_build('queued')
    manager.build_instances(context.get_admin_context(), [queued], {'flavor': {}})
    concurrency.sleep(0.5)
    services.service_heartbeat(service['id'])
    manager.tasks.waitall()
    assert manager.scheduler.asked == ['queued', 'queued']


def test_the_conductor_hears_heartbeats_from_when_it_serves_not_from_its_start(db, conf):
    # A conductor that waited for the database heard nobody meanwhile.
    conductor = manager.ConductorManager('conductor')
    conductor.compute_task_mgr.heard_since -= datetime.timedelta(hours=1)
    conductor.post_start_hook(context.get_admin_context())
    assert timeutils.utcnow() - conductor.compute_task_mgr.heard_since < \
        datetime.timedelta(seconds=5)


def test_a_build_finding_no_host_with_computes_up_or_long_gone_fails_at_once(db, conf):
    conf.set_override('service_down_time', 2)
    _compute_service(3600)
    manager = build.ComputeTaskManager()
    manager.heard_since -= datetime.timedelta(seconds=3)
    manager.scheduler = _Scheduler(exception.NoValidHost(reason='full'))
    manager.build_instances(context.get_admin_context(), [{'uuid': 'queued'}], {'flavor': {}})
    manager.tasks.waitall()
    assert manager.scheduler.asked == ['queued']


def _node(host):
    services.service_get_or_create(host, 'novalite-compute', 'compute')
    return services.compute_node_report(host, host, {
        'hypervisor_type': 'fake', 'availability_zone': 'nova', 'vcpus': 4,
        'memory_mb': 4096, 'local_gb': 40})


def _selection(node):
    return {'host': node['host'], 'nodename': node['hypervisor_hostname'],
            'compute_node_id': node['id'], 'availability_zone': 'nova'}


def test_a_second_scheduling_of_a_server_placed_meanwhile_keeps_its_claim(db, conf):
    # Lost-build recovery scheduled it while the first scheduling waited for
    # heartbeats (a broker restart): the latecomer frees only its own claim.
    first, second = _node('host1'), _node('host2')
    built = _stale_build('placed-twice')
    uuid = built['uuid']
    resources = {'vcpus': 1, 'memory_mb': 64, 'disk_gb': 1}
    claims.claim(uuid, first['id'], resources)
    instances.instance_update(uuid, {'host': 'host1', 'node': 'host1', 'task_state': None,
                                     'vm_state': 'active'})
    manager = build.ComputeTaskManager()
    manager.compute = _Computes()
    for node in (first, second):
        claims.claim(uuid, node['id'], resources)
        manager._build_on(context.get_admin_context(), [(built, _selection(node), [])],
                          {}, {'retry': {'num_attempts': 1, 'hosts': []}})
    assert [a['compute_node_id'] for a in claims.allocations_get_by_consumer(uuid)] == \
        [first['id']]
    assert manager.compute.builds == []
