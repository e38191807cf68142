"""Each RPC client against its server's version, and what it sends under caps."""

from unittest import mock

import pytest

from novalite import context, exception, objects
from novalite.compute import manager as compute_manager
from novalite.compute import rpcapi as compute_rpcapi
from novalite.conductor import build as conductor_build
from novalite.conductor import manager as conductor_manager
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.scheduler import manager as scheduler_manager
from novalite.scheduler import rpcapi as scheduler_rpcapi
from novalite.volume import manager as volume_manager
from novalite.volume import rpcapi as volume_rpcapi
from tests.unit.objects.payloads import (
    BDM,
    COMPUTE_NODE,
    EVACUATION,
    EVACUATION_1_6,
    FLAVOR,
    RESOURCES,
    SERVICE,
    UUID,
    instance_dict,
)

SELECTION = {'host': 'compute1', 'nodename': 'compute1', 'compute_node_id': 1,
             'availability_zone': 'nova', 'resources': {'vcpus': 1}, 'claimed': True}


@pytest.mark.parametrize('client, server', [
    (compute_rpcapi.ComputeAPI, compute_manager.ComputeManager),
    (conductor_rpcapi.ConductorAPI, conductor_manager.ConductorManager),
    (conductor_rpcapi.ComputeTaskAPI, conductor_build.ComputeTaskManager),
    (scheduler_rpcapi.SchedulerAPI, scheduler_manager.SchedulerManager),
    (volume_rpcapi.VolumeAPI, volume_manager.VolumeManager),
])
def test_each_client_speaks_the_version_its_server_serves(client, server):
    assert client.VERSION == server.target.version


def _sent(conf, group, cap, make, send, answer=None):
    """``(version, method, kwargs)`` of each message ``send(api, context)`` sends."""
    conf.set_override(group, cap, group='upgrade_levels')
    api = make()
    call_context = type(api.client.prepare())
    sent = []

    def record(cctxt, ctxt, method, **kwargs):
        sent.append((cctxt.target.version, method, kwargs))
        return answer

    with mock.patch.object(call_context, 'call', autospec=True, side_effect=record), \
            mock.patch.object(call_context, 'cast', autospec=True, side_effect=record):
        result = send(api, context.get_admin_context())
    return sent, result


def _stop(api, ctxt):
    api.stop_instance(ctxt, instance_dict())


def test_a_compute_is_sent_an_instance_object_at_1_1(conf):
    [(version, method, kwargs)], _ = _sent(conf, 'compute', None,
                                           compute_rpcapi.ComputeAPI, _stop)
    assert (version, method) == ('1.1', 'stop_instance')
    assert isinstance(kwargs['instance'], objects.Instance)


def test_a_compute_capped_at_1_0_is_sent_the_plain_dict(conf):
    [(version, _method, kwargs)], _ = _sent(conf, 'compute', '1.0',
                                            compute_rpcapi.ComputeAPI, _stop)
    assert version == '1.0' and kwargs['instance'] == instance_dict()


def test_a_compute_capped_at_1_0_is_sent_a_build_of_plain_dicts(conf):
    def build(api, ctxt):
        api.build_and_run_instance(ctxt, 'compute1', instance_dict(), 'compute1',
                                   {'flavor': dict(FLAVOR), 'num_instances': 1}, {},
                                   [SELECTION])
    [(version, _method, kwargs)], _ = _sent(conf, 'compute', '1.0',
                                            compute_rpcapi.ComputeAPI, build)
    assert version == '1.0' and kwargs['host_list'] == [SELECTION]
    assert kwargs['request_spec'] == {'flavor': FLAVOR, 'num_instances': 1}


def test_a_compute_capped_at_1_1_is_sent_the_request_spec_1_1_knew(conf):
    def build(api, ctxt):
        api.build_and_run_instance(ctxt, 'compute1', instance_dict(), 'compute1',
                                   {'flavor': dict(FLAVOR), 'instance_group': {'uuid': UUID}},
                                   {}, [SELECTION])
    conf.set_override('compute', '1.1', group='upgrade_levels')
    api = compute_rpcapi.ComputeAPI()
    with mock.patch.object(type(api.client.prepare()), 'cast', autospec=True) as cast:
        build(api, context.get_admin_context())
    sender = cast.call_args.args[0]
    spec = sender.serializer.serialize_entity(None, cast.call_args.kwargs['request_spec'])
    assert sender.target.version == '1.1'
    assert spec['novalite_object.version'] == '1.0'
    assert 'instance_group' not in spec['novalite_object.data']


def _select(api, ctxt):
    return api.select_destinations(ctxt, {'flavor': dict(FLAVOR), 'num_instances': 1},
                                   [UUID])


def test_a_scheduler_is_sent_a_request_spec_object_at_1_3(conf):
    [(version, _method, kwargs)], _ = _sent(conf, 'scheduler', None,
                                            scheduler_rpcapi.SchedulerAPI, _select, [[]])
    assert version == '1.3' and isinstance(kwargs['request_spec'], objects.RequestSpec)


def test_a_scheduler_capped_at_1_0_answers_dicts_read_as_selections(conf):
    [(version, _method, kwargs)], host_lists = _sent(
        conf, 'scheduler', '1.0', scheduler_rpcapi.SchedulerAPI, _select, [[SELECTION]])
    assert version == '1.0' and isinstance(kwargs['request_spec'], dict)
    assert isinstance(host_lists[0][0], objects.Selection)
    assert host_lists[0][0]['host'] == 'compute1'


def _get(api, ctxt):
    return api.instance_get(ctxt, UUID)


def test_an_instance_read_tells_the_conductor_which_objects_this_code_knows(conf):
    [(version, _method, kwargs)], _ = _sent(
        conf, 'conductor', None, conductor_rpcapi.ConductorAPI, _get,
        objects.Instance.from_dict(instance_dict()))
    assert version == '1.3' and kwargs['object_versions']['Instance'] == '1.1'


def test_an_instance_from_a_conductor_capped_at_1_2_is_read_as_an_object(conf):
    [(version, _method, kwargs)], instance = _sent(
        conf, 'conductor', '1.2', conductor_rpcapi.ConductorAPI, _get, instance_dict())
    assert version == '1.0' and 'object_versions' not in kwargs
    assert isinstance(instance, objects.Instance) and instance.uuid == UUID


def _hand_over(api, ctxt):
    api.schedule_and_build_instances(ctxt, [instance_dict()], {'flavor': dict(FLAVOR)})


@pytest.mark.parametrize('cap, version, kind', [
    (None, '1.3', objects.Instance), ('1.2', '1.2', objects.Instance), ('1.1', '1.1', dict)])
def test_new_builds_go_as_objects_or_to_an_older_conductor_as_dicts(conf, cap, version, kind):
    [(sent_version, _method, kwargs)], _ = _sent(
        conf, 'conductor', cap, conductor_rpcapi.ComputeTaskAPI, _hand_over)
    assert sent_version == version and isinstance(kwargs['instances'][0], kind)


def test_the_conductor_answers_an_old_reader_the_instance_it_knows(monkeypatch):
    monkeypatch.setattr(conductor_manager.instances, 'instance_get',
                        lambda uuid: instance_dict())
    answer = conductor_manager.ConductorManager.instance_get(
        None, None, UUID, object_versions={'Instance': '1.0', 'Flavor': '1.0'})
    assert answer['novalite_object.version'] == '1.0'
    assert 'network_info' not in answer['novalite_object.data']


def test_the_conductor_answers_a_pre_objects_caller_a_dict(monkeypatch):
    monkeypatch.setattr(conductor_manager.instances, 'instance_get',
                        lambda uuid: instance_dict())
    assert conductor_manager.ConductorManager.instance_get(None, None, UUID) == \
        instance_dict()


def _snapshot(api, ctxt):
    api.create_snapshot(ctxt, {'uuid': UUID, 'host': 'storage1'})


def test_a_snapshot_goes_to_its_volume_s_host_at_1_1(conf):
    [(version, method, kwargs)], _ = _sent(conf, 'volume', None, volume_rpcapi.VolumeAPI,
                                           _snapshot)
    assert (version, method, kwargs) == ('1.1', 'create_snapshot', {'snapshot_id': UUID})


def test_a_volume_service_capped_at_1_0_is_sent_no_snapshot(conf):
    with pytest.raises(exception.Invalid, match='Snapshots are not supported'):
        _sent(conf, 'volume', '1.0', volume_rpcapi.VolumeAPI, _snapshot)


def test_a_plain_volume_still_goes_to_a_volume_service_capped_at_1_0(conf):
    [(version, method, _kwargs)], _ = _sent(
        conf, 'volume', '1.0', volume_rpcapi.VolumeAPI,
        lambda api, ctxt: api.create_volume(ctxt, {'uuid': UUID, 'host': 'storage1'}))
    assert (version, method) == ('1.0', 'create_volume')


def _attach(api, ctxt):
    api.attach_volume(ctxt, instance_dict(), dict(BDM, created_at='2026-12-02T00:00:00'))


@pytest.mark.parametrize('cap, version, kind', [
    (None, '1.17', objects.BlockDeviceMapping), ('1.16', '1.7', dict)])
def test_a_mapping_goes_as_an_object_or_to_a_compute_capped_below_1_17_as_a_dict(
        conf, cap, version, kind):
    [(sent_version, method, kwargs)], _ = _sent(conf, 'compute', cap,
                                                compute_rpcapi.ComputeAPI, _attach)
    assert (sent_version, method) == (version, 'attach_volume')
    assert isinstance(kwargs['bdm'], kind) and kwargs['bdm']['volume_id'] == BDM['volume_id']


def test_a_compute_capped_below_1_7_cannot_be_sent_volume_work(conf):
    with pytest.raises(exception.Invalid):
        _sent(conf, 'compute', '1.6', compute_rpcapi.ComputeAPI, _attach)


def _mappings(api, ctxt):
    return api.bdm_get_by_instance(ctxt, UUID)


@pytest.mark.parametrize('cap, version', [(None, '1.9'), ('1.8', '1.5')])
def test_mappings_are_read_as_objects_from_a_new_or_an_old_conductor(conf, cap, version):
    answer = [objects.BlockDeviceMapping.from_dict(BDM) if version == '1.9' else BDM]
    [(sent_version, _method, kwargs)], mappings = _sent(
        conf, 'conductor', cap, conductor_rpcapi.ConductorAPI, _mappings, answer)
    assert sent_version == version and ('object_versions' in kwargs) == (version == '1.9')
    assert isinstance(mappings[0], objects.BlockDeviceMapping) and mappings[0].tag == 'data'


def test_the_conductor_answers_a_caller_without_object_versions_mapping_dicts(monkeypatch):
    monkeypatch.setattr(conductor_manager.block_device_mappings, 'bdm_get_by_instance',
                        lambda uuid: [BDM])
    assert conductor_manager.ConductorManager.bdm_get_by_instance(None, None, UUID) == [BDM]


def test_a_compute_capped_below_1_19_is_not_asked_its_uptime(conf):
    with pytest.raises(exception.HostUptimeNotSupported):
        _sent(conf, 'compute', '1.18', compute_rpcapi.ComputeAPI,
              lambda api, ctxt: api.get_host_uptime(ctxt, 'compute1'))


def test_a_compute_capped_below_1_15_cannot_quiesce(conf):
    with pytest.raises(exception.InstanceQuiesceNotSupported):
        _sent(conf, 'compute', '1.14', compute_rpcapi.ComputeAPI,
              lambda api, ctxt: api.quiesce_instance(ctxt, instance_dict()))


@pytest.mark.parametrize('cap, version', [(None, '1.20'), ('1.19', '1.12')])
def test_only_a_destination_of_1_20_is_asked_to_connect_the_volumes_of_a_live_migration(
        conf, cap, version):
    [(sent_version, _method, kwargs)], _ = _sent(
        conf, 'compute', cap, compute_rpcapi.ComputeAPI,
        lambda api, ctxt: api.pre_live_migration(ctxt, 'dst', instance_dict(), {
            'id': 7, 'uuid': UUID, 'instance_uuid': UUID, 'migration_type': 'live-migration',
            'status': 'queued'}, {}),
        answer={})
    assert sent_version == version
    assert kwargs['migrate_data'].get('connect_volumes', False) == (version == '1.20')
def _report(api, ctxt):
    return api.compute_node_report(ctxt, 'compute1', 'compute1', dict(RESOURCES))


@pytest.mark.parametrize('cap, version, kind', [
    (None, '1.11', objects.NodeResources), ('1.10', '1.10', objects.NodeResources),
    ('1.9', '1.0', dict)])
def test_a_node_report_goes_as_an_object_or_to_a_conductor_capped_below_1_10_as_a_dict(
        conf, cap, version, kind):
    [(sent_version, method, kwargs)], _ = _sent(conf, 'conductor', cap,
                                                conductor_rpcapi.ConductorAPI, _report,
                                                dict(COMPUTE_NODE))
    assert (sent_version, method) == (version, 'compute_node_report')
    assert isinstance(kwargs['resources'], kind) and kwargs['resources']['vcpus'] == 8
    assert 'vcpus_used' not in kwargs['resources']


@pytest.mark.parametrize('cap, version', [(None, '1.11'), ('1.10', '1.10'), ('1.9', '1.0')])
def test_a_node_report_answers_a_compute_node_from_a_new_or_an_old_conductor(
        conf, cap, version):
    answer = objects.ComputeNode.from_dict(COMPUTE_NODE) if version == '1.11' else \
        dict(COMPUTE_NODE)
    [(sent_version, _method, kwargs)], node = _sent(
        conf, 'conductor', cap, conductor_rpcapi.ConductorAPI, _report, answer)
    assert sent_version == version and ('object_versions' in kwargs) == (version == '1.11')
    assert isinstance(node, objects.ComputeNode) and node.uuid == COMPUTE_NODE['uuid']
    assert node['vcpus_used'] == 1


@pytest.mark.parametrize('object_versions, kind', [
    ({'ComputeNode': '1.0'}, 'novalite_object.data'), (None, 'uuid')])
def test_the_conductor_answers_a_node_report_as_an_object_or_to_an_older_caller_as_a_dict(
        monkeypatch, object_versions, kind):
    monkeypatch.setattr(conductor_manager.services, 'compute_node_report',
                        lambda host, nodename, resources: dict(COMPUTE_NODE))
    monkeypatch.setattr(conductor_manager.claims, 'heal_node', lambda node_id: None)
    monkeypatch.setattr(conductor_manager.services, 'compute_node_get',
                        lambda node_id: dict(COMPUTE_NODE))
    answer = conductor_manager.ConductorManager.compute_node_report(
        None, None, 'compute1', 'compute1', dict(RESOURCES), object_versions=object_versions)
    assert kind in answer


def _evacuations(api, ctxt):
    return api.migration_get_evacuations(ctxt, 'compute1', ('done',))


@pytest.mark.parametrize('cap, version', [(None, '1.11'), ('1.10', '1.6')])
def test_evacuations_are_read_as_migrations_from_a_new_or_an_old_conductor(conf, cap, version):
    answer = [objects.Migration.from_dict(EVACUATION) if version == '1.11' else
              dict(EVACUATION_1_6)]
    [(sent_version, _method, kwargs)], [migration] = _sent(
        conf, 'conductor', cap, conductor_rpcapi.ConductorAPI, _evacuations, answer)
    assert sent_version == version and ('object_versions' in kwargs) == (version == '1.11')
    assert isinstance(migration, objects.Migration)
    assert (migration.uuid, migration['instance_uuid']) == (EVACUATION['uuid'], UUID)


def test_a_conductor_capped_below_1_6_is_asked_for_no_evacuations(conf):
    sent, migrations = _sent(conf, 'conductor', '1.5', conductor_rpcapi.ConductorAPI,
                             _evacuations)
    assert sent == [] and migrations == []


@pytest.mark.parametrize('object_versions', [{'Migration': '1.0'}, None])
def test_the_conductor_answers_evacuations_as_objects_or_to_an_older_caller_as_dicts(
        monkeypatch, object_versions):
    monkeypatch.setattr(conductor_manager.server_migrations, 'migration_get_by_source',
                        lambda host, migration_type, statuses: [dict(EVACUATION)])
    [answer] = conductor_manager.ConductorManager.migration_get_evacuations(
        None, None, 'compute1', ['done'], object_versions=object_versions)
    if object_versions:
        assert answer['novalite_object.data']['migration_type'] == 'evacuation'
    else:
        assert answer == EVACUATION_1_6


def _finish_resize(api, ctxt):
    api.finish_resize(ctxt, 'compute2', instance_dict(), dict(EVACUATION), dict(FLAVOR), {})


@pytest.mark.parametrize('cap, version, hands_over', [(None, '1.21', True),
                                                      ('1.20', '1.4', False)])
def test_a_destination_of_1_21_is_handed_a_cold_move_s_volumes_an_older_one_is_not(
        conf, cap, version, hands_over):
    [(sent_version, method, _kwargs)], _ = _sent(conf, 'compute', cap,
                                                 compute_rpcapi.ComputeAPI, _finish_resize)
    assert (sent_version, method) == (version, 'finish_resize')
    conf.set_override('compute', cap, group='upgrade_levels')
    assert compute_rpcapi.ComputeAPI().hands_over_volumes() is hands_over


_MIGRATION_READS = {
    'update': (lambda api, ctxt: api.migration_update(ctxt, EVACUATION['uuid'],
                                                      {'status': 'done'}), '1.4'),
    'in-progress': (lambda api, ctxt: api.migration_get_in_progress(ctxt, UUID), '1.7'),
}


@pytest.mark.parametrize('read', _MIGRATION_READS, ids=list(_MIGRATION_READS))
@pytest.mark.parametrize('cap', [None, '1.10'])
def test_a_migration_record_is_read_as_a_migration_from_a_new_or_an_old_conductor(
        conf, read, cap):
    send, older = _MIGRATION_READS[read]
    version = '1.11' if cap is None else older
    answer = objects.Migration.from_dict(EVACUATION) if cap is None else dict(EVACUATION)
    [(sent_version, _method, kwargs)], migration = _sent(
        conf, 'conductor', cap, conductor_rpcapi.ConductorAPI, send, answer)
    assert sent_version == version and ('object_versions' in kwargs) == (cap is None)
    assert isinstance(migration, objects.Migration) and migration.uuid == EVACUATION['uuid']


@pytest.mark.parametrize('object_versions', [{'Migration': '1.0'}, None])
def test_the_conductor_answers_a_migration_update_as_an_object_or_to_an_older_caller_as_a_dict(
        monkeypatch, object_versions):
    monkeypatch.setattr(conductor_manager.server_migrations, 'migration_update',
                        lambda uuid, values, expected_status=None: dict(EVACUATION, **values))
    answer = conductor_manager.ConductorManager.migration_update(
        None, None, EVACUATION['uuid'], {'status': 'done'}, object_versions=object_versions)
    assert ('novalite_object.data' in answer) == bool(object_versions)


@pytest.mark.parametrize('send', [
    lambda api, ctxt: api.service_join(ctxt, 'compute1', 'novalite-compute', 'compute'),
    lambda api, ctxt: api.service_heartbeat(ctxt, 3)], ids=['join', 'heartbeat'])
@pytest.mark.parametrize('cap, version', [(None, '1.10'), ('1.9', '1.0')])
def test_a_service_row_is_read_as_an_object_from_a_new_or_an_old_conductor(
        conf, send, cap, version):
    answer = objects.Service.from_dict(SERVICE) if version == '1.10' else dict(SERVICE)
    [(sent_version, _method, kwargs)], service = _sent(
        conf, 'conductor', cap, conductor_rpcapi.ConductorAPI, send, answer)
    assert sent_version == version and ('object_versions' in kwargs) == (version == '1.10')
    assert isinstance(service, objects.Service) and service['id'] == 3


@pytest.mark.parametrize('object_versions, kind', [
    ({'Service': '1.0'}, 'novalite_object.data'), (None, 'uuid')])
def test_the_conductor_answers_a_join_as_an_object_or_to_an_older_caller_as_a_dict(
        monkeypatch, object_versions, kind):
    monkeypatch.setattr(conductor_manager.services, 'service_get_or_create',
                        lambda host, binary, topic: dict(SERVICE))
    answer = conductor_manager.ConductorManager.service_join(
        None, None, 'compute1', 'novalite-compute', 'compute', object_versions=object_versions)
    assert kind in answer


_RETRY = {'retry': {'num_attempts': 1, 'hosts': [['compute2', 'compute2']]}}


def _build_with_retry(api, ctxt):
    api.build_and_run_instance(ctxt, 'compute1', instance_dict(), 'compute1',
                               {'flavor': dict(FLAVOR)}, _RETRY, [SELECTION])


@pytest.mark.parametrize('cap, version, kind', [
    (None, '1.22', objects.SchedulerRetries), ('1.21', '1.2', dict), ('1.0', '1.0', dict)])
def test_a_build_s_retry_record_goes_as_an_object_or_to_a_compute_below_1_22_as_a_dict(
        conf, cap, version, kind):
    [(sent_version, _method, kwargs)], _ = _sent(conf, 'compute', cap,
                                                 compute_rpcapi.ComputeAPI, _build_with_retry)
    retry = kwargs['filter_properties']['retry']
    assert sent_version == version and isinstance(retry, kind)
    assert retry['hosts'] == [['compute2', 'compute2']]


def _reschedule(api, ctxt):
    api.build_instances(ctxt, [instance_dict()], {'flavor': dict(FLAVOR)}, _RETRY,
                        host_lists=[[SELECTION]])


@pytest.mark.parametrize('cap, version, kind', [
    (None, '1.10', objects.SchedulerRetries), ('1.9', '1.3', dict), ('1.1', '1.0', dict)])
def test_a_reschedule_s_retry_record_goes_as_an_object_or_to_a_conductor_below_1_10_as_a_dict(
        conf, cap, version, kind):
    [(sent_version, _method, kwargs)], _ = _sent(conf, 'conductor', cap,
                                                 conductor_rpcapi.ComputeTaskAPI, _reschedule)
    retry = kwargs['filter_properties']['retry']
    assert sent_version == version and isinstance(retry, kind)
    assert retry['num_attempts'] == 1
