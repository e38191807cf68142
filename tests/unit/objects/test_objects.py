"""The versioned payloads: their declared fields, their wire form, their backports."""

import datetime

import pytest
from oslo_versionedobjects import fixture as ovo_fixture

from novalite import objects, rpc
from novalite.db import models, services
from novalite.objects import scheduler_retries
from tests.unit.objects.payloads import (
    BDM,
    COMPUTE_NODE,
    FLAVOR,
    RESOURCES,
    SERVICE,
    UUID,
    instance_dict,
)

# The fingerprints of every object's fields at its version: a change to an
# object's fields without a version bump fails here.
FINGERPRINTS = {
    'BlockDeviceMapping': '1.0-5e41ebd03577b4c4be1313c6d60c85d2',
    'ComputeNode': '1.0-79ec79e5f60b0835f5264b49aa3ec8e3',
    'Flavor': '1.0-de1e4331f1fc39236c75695cd883948b',
    'Instance': '1.1-bb24cdedd180abac58da09e65f55d0d3',
    'Migration': '1.0-023b459e8762c2c5aa38f67c98e8bf07',
    'NodeResources': '1.0-3a4c6b388b00fb90038afa04b94a3f3f',
    'RequestSpec': '1.2-f3a584c5ef5aa8be63711445061bac37',
    'SchedulerRetries': '1.0-df10dfaa890ce70bf689feb9ab24af08',
    'Selection': '1.0-78242b96537359a4023fe5902ae6e33d',
    'Service': '1.0-aff44f83f0b5cabd20a79047ca753e79',
}


def _wire(entity, object_versions=None):
    """``entity`` as a reader gets it, after the JSON the wire carries."""
    serializer = rpc.RequestContextSerializer(object_versions)
    return serializer.deserialize_entity(None, serializer.serialize_entity(None, entity))


def test_every_object_field_change_comes_with_a_version_bump():
    checker = ovo_fixture.ObjectVersionChecker(
        objects.base.NovaliteObjectRegistry.obj_classes())
    expected, actual = checker.test_hashes(FINGERPRINTS)
    assert expected == actual


def test_an_instance_declares_every_column_services_pass_around():
    columns = {column.key for column in models.Instance.__table__.columns}
    as_passed = columns - {'request_spec', 'user_metadata', 'locked_by'} | {'metadata'}
    assert set(objects.Instance.fields) == as_passed


def test_who_locked_an_instance_stays_in_the_api():
    values = dict(instance_dict(), locked=True, locked_by='admin')
    assert 'locked_by' not in objects.Instance.from_dict(values).to_dict()


def test_an_instance_crosses_the_wire_as_the_same_instance():
    instance = _wire(objects.Instance.from_dict(instance_dict()))
    assert isinstance(instance, objects.Instance)
    assert instance.to_dict() == instance_dict()


def test_an_instance_reads_like_the_dict_it_replaces():
    instance = objects.Instance.from_dict(instance_dict(host=None))
    assert instance['name'] == 'instance-' + UUID
    assert instance.get('host') is None and instance['flavor']['memory_mb'] == 512
    assert dict(instance, host='compute2')['host'] == 'compute2'


def test_an_unset_field_reads_as_missing_and_an_unknown_one_is_an_error():
    instance = objects.Instance(uuid=UUID)
    assert instance.get('host') is None and instance.get('locked', False) is False
    with pytest.raises(AttributeError):
        instance.get('hots')


def test_timestamps_read_back_as_naive_utc_datetimes():
    instance = _wire(objects.Instance.from_dict(instance_dict()))
    assert instance.created_at == datetime.datetime(2026, 12, 2, 7, 0)


def test_a_reader_of_instance_1_0_gets_no_network_info():
    primitive = objects.base.primitive_at(objects.Instance.from_dict(instance_dict()),
                                          {'Instance': '1.0', 'Flavor': '1.0'})
    assert primitive['novalite_object.version'] == '1.0'
    assert 'network_info' not in primitive['novalite_object.data']
    assert primitive['novalite_object.data']['uuid'] == UUID


def test_a_reader_newer_than_this_code_gets_its_newest_version():
    primitive = objects.base.primitive_at(objects.Instance.from_dict(instance_dict()),
                                          {'Instance': '1.9'})
    assert primitive['novalite_object.version'] == objects.Instance.VERSION


def test_a_client_capped_below_the_newest_sends_the_objects_that_version_knew():
    history = {'1.1': {'Instance': '1.0'}, '1.3': {'Instance': '1.1'}}
    assert rpc.object_versions_at(history, '1.2') == {'Instance': '1.0'}
    assert rpc.object_versions_at(history, '1.3') == {'Instance': '1.1'}
    assert rpc.object_versions_at(history, None) is None


def test_a_serializer_for_an_old_reader_backports_the_objects_it_sends():
    instance = _wire(objects.Instance.from_dict(instance_dict()), {'Instance': '1.0'})
    assert instance.VERSION == '1.0' and not instance.obj_attr_is_set('network_info')


def test_a_request_spec_crosses_with_its_flavor_an_object_and_its_password():
    spec = _wire(objects.RequestSpec.from_dict({
        'project_id': 'p1', 'flavor': dict(FLAVOR), 'image': {'id': 'img-1'},
        'num_instances': 1, 'instance_uuids': [UUID], 'admin_password': 'secret'}))
    assert isinstance(spec.flavor, objects.Flavor) and spec['flavor']['vcpus'] == 1
    assert spec.admin_password == 'secret'


def test_a_pre_objects_reader_gets_plain_dicts():
    selection = objects.Selection(host='h', nodename='n', compute_node_id=1,
                                  availability_zone=None, resources={'vcpus': 1},
                                  claimed=True)
    legacy = objects.base.to_legacy([selection])
    assert legacy == [{'host': 'h', 'nodename': 'n', 'compute_node_id': 1,
                       'availability_zone': None, 'resources': {'vcpus': 1},
                       'claimed': True}]


def test_a_reader_of_request_spec_1_0_gets_no_group_and_no_files():
    spec = objects.RequestSpec.from_dict({
        'flavor': dict(FLAVOR), 'instance_group': {'uuid': UUID, 'policy': 'anti-affinity'},
        'injected_files': [{'path': '/etc/motd', 'contents': 'aGk='}]})
    data = objects.base.primitive_at(spec, {'RequestSpec': '1.0'})['novalite_object.data']
    assert 'instance_group' not in data and 'injected_files' not in data
    assert data['flavor']['novalite_object.data']['vcpus'] == 1


def test_a_payload_with_an_undeclared_field_is_refused_where_it_is_made():
    with pytest.raises(ValueError, match="RequestSpec 1.[0-9]+ declares no field 'volumes'"):
        objects.RequestSpec.from_dict({'flavor': dict(FLAVOR), 'volumes': []})


def test_a_flavor_record_becomes_its_snapshot():
    flavor = objects.Flavor.from_dict(dict(FLAVOR, is_public=True, description=None))
    assert flavor.to_dict() == FLAVOR


def test_every_column_of_a_payload_record_is_carried_or_left_out_on_purpose():
    for obj, model in ((objects.Flavor, models.Flavor), (objects.Migration, models.Migration),
                       (objects.BlockDeviceMapping, models.BlockDeviceMapping),
                       (objects.Service, models.Service),
                       (objects.ComputeNode, models.ComputeNode)):
        columns = {column.key for column in model.__table__.columns}
        assert columns - set(obj.fields) - obj.LEFT_OUT_KEYS == set(), obj.obj_name()


def test_a_block_device_mapping_crosses_the_wire_with_its_connection_info():
    info = {'driver_volume_type': 'iscsi', 'data': {'target_lun': 1, 'auth_password': 's'}}
    bdm = objects.BlockDeviceMapping.from_dict(dict(
        BDM, connection_info=info, created_at=datetime.datetime(2026, 12, 2)))
    received = _wire(bdm)
    assert isinstance(received, objects.BlockDeviceMapping)
    assert received.to_dict() == dict(BDM, connection_info=info)


_HYPERVISOR_USAGE = {'vcpus_used', 'memory_mb_used', 'local_gb_used', 'hypervisor_hostname'}


def test_a_node_report_declares_every_column_the_conductor_writes_of_it():
    written = set(services._TOTAL_FIELDS) | {'cpu_info', 'supported_instances'}
    assert set(objects.NodeResources.fields) == written


def test_a_node_report_crosses_the_wire_without_the_hypervisor_s_own_usage():
    report = _wire(objects.NodeResources.from_dict(RESOURCES))
    assert isinstance(report, objects.NodeResources)
    assert report.to_dict() == {key: value for key, value in RESOURCES.items()
                                if key not in _HYPERVISOR_USAGE}


def test_a_node_report_with_a_key_nobody_declared_is_refused_on_its_host():
    with pytest.raises(ValueError, match="NodeResources 1.0 declares no field 'numa'"):
        objects.NodeResources.from_dict(dict(RESOURCES, numa={}))


def test_a_service_crosses_the_wire_with_its_heartbeat_a_naive_datetime():
    service = _wire(objects.Service.from_dict(SERVICE))
    assert isinstance(service, objects.Service) and service['id'] == 3
    assert service.last_seen_up == datetime.datetime(2026, 12, 2, 7, 0, 40)
    assert service.to_dict() == SERVICE


def test_a_compute_node_row_crosses_the_wire_as_the_same_row():
    node = _wire(objects.ComputeNode.from_dict(COMPUTE_NODE))
    assert isinstance(node, objects.ComputeNode) and node.uuid == COMPUTE_NODE['uuid']
    assert node.updated_at == datetime.datetime(2026, 12, 2, 7, 0, 40)
    assert node.to_dict() == COMPUTE_NODE


def test_a_retry_record_crosses_the_wire_inside_the_filter_properties():
    retry = objects.SchedulerRetries(num_attempts=2, hosts=[['compute1', 'compute1']])
    received = _wire({'retry': retry, 'scheduler_hints': {'group': 'g'}})
    assert isinstance(received['retry'], objects.SchedulerRetries)
    assert (received['retry'].num_attempts, received['retry'].hosts) == \
        (2, [['compute1', 'compute1']])
    assert received['scheduler_hints'] == {'group': 'g'}


def test_a_reader_before_retry_records_gets_filter_properties_of_plain_dicts():
    retry = objects.SchedulerRetries(num_attempts=1, hosts=[['h1', 'n1']])
    assert scheduler_retries.filter_properties_for({'retry': retry}, False) == \
        {'retry': {'num_attempts': 1, 'hosts': [['h1', 'n1']]}}


def test_a_retry_record_from_an_older_compute_becomes_the_object():
    sent = scheduler_retries.filter_properties_for(
        {'retry': {'num_attempts': 1, 'hosts': [('h1', 'n1')]}}, True)
    assert isinstance(sent['retry'], objects.SchedulerRetries)
    assert sent['retry'].to_dict() == {'num_attempts': 1, 'hosts': [['h1', 'n1']]}
