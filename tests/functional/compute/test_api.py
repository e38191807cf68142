"""The compute API: server create, delete and actions against the database."""

from unittest import mock

import oslo_messaging as messaging
import pytest

from novalite import context, exception
from novalite.compute import create as compute_create
from novalite.compute import delete as compute_delete
from novalite.compute.create_request import CreateRequest
from novalite.db import actions, claims, flavors, instances, services
from novalite.image import local as local_image

UUID = '8a5f0cd2-58a0-4f4e-a8a3-2b0a9fb1b4b1'


@pytest.fixture
def flavor(db):
    return flavors.flavor_create({'flavorid': '1', 'name': 'tiny', 'memory_mb': 512,
                                  'vcpus': 1, 'root_gb': 1, 'extra_specs': {'hw:x': 'y'}})


@pytest.fixture
def image(conf, tmp_path):
    source = tmp_path / 'disk.img'
    source.write_bytes(b'x' * 10)
    return local_image.get_image_service(conf).create(
        'img', str(source), properties={'kernel_id': 'k1', 'os_distro': 'cirros'})


def _live_host(host='host1'):
    service = services.service_get_or_create(host, 'novalite-compute', 'compute')
    services.service_heartbeat(service['id'])
    return services.compute_node_report(host, host, {
        'hypervisor_type': 'fake', 'availability_zone': 'nova', 'vcpus': 4,
        'memory_mb': 4096, 'local_gb': 40})


def _create(compute, ctx, image, flavor_id='1', **kwargs):
    kwargs.setdefault('name', 'web')
    kwargs.setdefault('max_count', kwargs.get('min_count', 1))
    return compute.create(ctx, CreateRequest(flavor_id, image['id'], **kwargs))


def test_create_writes_instances_and_hands_over_one_build(compute, ctx, flavor, image):
    created, reservation_id = _create(compute, ctx, image, max_count=2, metadata={'a': 'b'})
    assert [i['display_name'] for i in created] == ['web-1', 'web-2']
    assert [i['hostname'] for i in created] == ['web-1', 'web-2']
    assert all(i['reservation_id'] == reservation_id for i in created)
    assert created[0]['kernel_id'] == 'k1'
    assert created[0]['system_metadata']['image_os_distro'] == 'cirros'
    assert created[0]['flavor']['extra_specs'] == {'hw:x': 'y'}
    build = compute.compute_task_api.schedule_and_build_instances
    build.assert_called_once()
    sent, spec = build.call_args.args[1], build.call_args.args[2]
    assert [i['uuid'] for i in sent] == spec['instance_uuids']
    assert spec['num_instances'] == 2 and spec['flavor']['memory_mb'] == 512
    assert spec['image']['id'] == image['id']
    assert spec['project_id'] == 'p1'


def test_admin_password_travels_with_the_build_but_is_not_stored(compute, ctx, flavor, image):
    created, _ = _create(compute, ctx, image, admin_password='pw')
    handed_over = compute.compute_task_api.schedule_and_build_instances.call_args
    assert handed_over.args[2]['admin_password'] == 'pw'
    assert 'admin_password' not in instances.request_spec_get(created[0]['uuid'])


def test_create_records_create_actions(compute, ctx, flavor, image):
    created, _ = _create(compute, ctx, image)
    [action] = actions.actions_get(created[0]['uuid'])
    assert (action['action'], action['request_id']) == ('create', ctx.request_id)


@pytest.mark.parametrize('failure', [RuntimeError('broker down'),
                                     messaging.MessagingTimeout('not placed in time')])
def test_failed_hand_over_leaves_the_build_to_lost_build_recovery(compute, ctx, flavor, image,
                                                                   failure):
    compute.compute_task_api.schedule_and_build_instances.side_effect = failure
    created, _ = _create(compute, ctx, image)
    assert instances.instance_get(created[0]['uuid'])['task_state'] == 'scheduling'


@pytest.mark.parametrize('kwargs, message', [
    ({'min_count': 3, 'max_count': 2}, 'min_count'),
    ({'key_name': 'missing'}, 'key_name'),
    ({'availability_zone': 'mars'}, 'availability zone'),
    ({'requested_networks': [{'port': UUID}]}, 'Ports'),
])
def test_invalid_requests_create_nothing(compute, ctx, flavor, image, kwargs, message):
    with pytest.raises(exception.Invalid, match=message):
        _create(compute, ctx, image, **kwargs)
    assert instances.instance_get_all({'deleted': None}) == []
    compute.compute_task_api.schedule_and_build_instances.assert_not_called()


def test_unknown_flavor_and_image_are_invalid(compute, ctx, flavor, image):
    with pytest.raises(exception.Invalid, match='flavorRef'):
        _create(compute, ctx, image, flavor_id='9')
    with pytest.raises(exception.Invalid, match='image'):
        _create(compute, ctx, {'id': UUID})


def test_inactive_image_is_invalid(compute, ctx, flavor):
    compute._image_service = mock.Mock(show=mock.Mock(return_value={
        'id': UUID, 'status': 'queued'}))
    with pytest.raises(exception.Invalid, match='not active'):
        _create(compute, ctx, {'id': UUID})


@pytest.mark.parametrize('name, hostname', [
    ('Web Server_01.example', 'web-server-01-example'),
    ('--x--', 'x'),
    ('日本web', 'web'),
    ('!!!', 'fallback'),
    ('a' * 80, 'a' * 63),
])
def test_hostnames_are_sanitized_from_names(name, hostname):
    assert compute_create.sanitize_hostname(name, 'fallback') == hostname


def test_generated_passwords_have_the_configured_length(conf):
    assert len(compute_create.generate_password()) == conf.api.password_length


def test_get_hides_other_projects_servers_from_users_but_not_admins(compute, ctx, flavor,
                                                                  image):
    created, _ = _create(compute, ctx, image)
    other = context.RequestContext(user_id='u2', project_id='p2', roles=['member'])
    with pytest.raises(exception.InstanceNotFound):
        compute.get(other, created[0]['uuid'])
    assert compute.get(context.get_admin_context(), created[0]['uuid'])['uuid']


def test_delete_of_unscheduled_instance_is_local_and_frees_everything(compute, ctx, flavor,
                                                                     image):
    node = _live_host()
    created, _ = _create(compute, ctx, image)
    uuid = created[0]['uuid']
    claims.claim(uuid, node['id'], {'vcpus': 1, 'memory_mb': 512, 'disk_gb': 1})
    with mock.patch.object(compute_delete, 'network_api') as network:
        compute.delete(ctx, instances.instance_get(uuid))
    network.deallocate_for_instance.assert_called_once_with(ctx, uuid)
    with pytest.raises(exception.InstanceNotFound):
        instances.instance_get(uuid)
    assert claims.allocations_get_by_consumer(uuid) == []
    assert [a['action'] for a in actions.actions_get(uuid)][0] == 'delete'
    compute.compute_rpcapi.terminate_instance.assert_not_called()


def test_delete_on_a_live_host_marks_deleting_and_casts_once(compute, ctx, flavor, image):
    _live_host()
    created, _ = _create(compute, ctx, image)
    uuid = created[0]['uuid']
    instances.instance_update(uuid, {'host': 'host1', 'vm_state': 'active', 'task_state': None})
    compute.delete(ctx, instances.instance_get(uuid))
    assert instances.instance_get(uuid)['task_state'] == 'deleting'
    compute.delete(ctx, instances.instance_get(uuid))
    compute.compute_rpcapi.terminate_instance.assert_called_once()


def test_delete_on_a_down_host_is_local(compute, ctx, flavor, image):
    service = services.service_get_or_create('host1', 'novalite-compute', 'compute')
    services.service_update(service['id'], {'forced_down': True})
    created, _ = _create(compute, ctx, image)
    uuid = created[0]['uuid']
    instances.instance_update(uuid, {'host': 'host1', 'vm_state': 'active', 'task_state': None})
    compute.delete(ctx, instances.instance_get(uuid))
    assert instances.instance_get(uuid, read_deleted=True)['vm_state'] == 'deleted'


def test_stop_sets_task_state_and_casts(compute, ctx, flavor, image):
    created, _ = _create(compute, ctx, image)
    uuid = created[0]['uuid']
    instances.instance_update(uuid, {'host': 'host1', 'vm_state': 'active', 'task_state': None})
    compute.act(ctx, instances.instance_get(uuid), 'stop')
    assert instances.instance_get(uuid)['task_state'] == 'powering-off'
    compute.compute_rpcapi.stop_instance.assert_called_once()


def test_start_of_an_active_server_is_invalid_state(compute, ctx, flavor, image):
    created, _ = _create(compute, ctx, image)
    uuid = created[0]['uuid']
    instances.instance_update(uuid, {'host': 'host1', 'vm_state': 'active', 'task_state': None})
    with pytest.raises(exception.InstanceInvalidState):
        compute.act(ctx, instances.instance_get(uuid), 'start')


def test_losing_a_race_for_the_task_state_is_a_conflict(compute, ctx, flavor, image):
    created, _ = _create(compute, ctx, image)
    uuid = created[0]['uuid']
    instances.instance_update(uuid, {'host': 'host1', 'vm_state': 'active', 'task_state': None})
    stale = instances.instance_get(uuid)
    compute.act(ctx, stale, 'pause')
    with pytest.raises(exception.InstanceInvalidState):
        compute.act(ctx, stale, 'suspend')
