"""Delete wins: a DELETE moves a server to deleting whatever it is doing."""

from unittest import mock

import pytest

from novalite.compute import delete as compute_delete
from novalite.compute.create_request import CreateRequest
from novalite.db import flavors, instances, services
from novalite.image import local as local_image


@pytest.fixture
def server(compute, ctx, conf, tmp_path):
    flavors.flavor_create({'flavorid': '1', 'name': 'tiny', 'memory_mb': 512, 'vcpus': 1,
                           'root_gb': 1})
    source = tmp_path / 'disk.img'
    source.write_bytes(b'x' * 10)
    image = local_image.get_image_service(conf).create('img', str(source))
    created, _ = compute.create(ctx, CreateRequest('1', image['id'], name='web'))
    return created[0]['uuid']


def _live_host(host='host1'):
    service = services.service_get_or_create(host, 'novalite-compute', 'compute')
    services.service_heartbeat(service['id'])


def _spawning_on(uuid, host='host1'):
    instances.instance_update(uuid, {'host': host, 'task_state': 'spawning'})


def test_delete_of_a_server_whose_build_finished_since_it_was_read_marks_it_deleting(
        compute, ctx, server):
    _live_host()
    _spawning_on(server)
    stale = instances.instance_get(server)
    instances.instance_update(server, {'vm_state': 'active', 'task_state': None})

    compute.delete(ctx, stale)

    assert instances.instance_get(server)['task_state'] == 'deleting'
    compute.compute_rpcapi.terminate_instance.assert_called_once()


def test_delete_that_races_the_last_build_step_still_marks_it_deleting(compute, ctx, server):
    # Read while networking; the build spawns, and its last step lands just
    # before the delete's update from spawning: the 409 "Expected:
    # ['spawning']. Actual: None" of issue 14, which left the server ACTIVE.
    _live_host()
    instances.instance_update(server, {'host': 'host1', 'task_state': 'networking'})
    stale = instances.instance_get(server)
    _spawning_on(server)
    real_update = instances.instance_update

    def build_finishes_first(uuid, values, expected_task_state=None, **kwargs):
        if expected_task_state == ['spawning']:
            real_update(uuid, {'vm_state': 'active', 'task_state': None})
        return real_update(uuid, values, expected_task_state=expected_task_state, **kwargs)

    with mock.patch.object(instances, 'instance_update', side_effect=build_finishes_first):
        compute.delete(ctx, stale)

    assert instances.instance_get(server)['task_state'] == 'deleting'
    compute.compute_rpcapi.terminate_instance.assert_called_once()


def test_delete_during_an_action_marks_it_deleting_and_casts_to_the_host(compute, ctx,
                                                                         server):
    _live_host()
    instances.instance_update(server, {'host': 'host1', 'vm_state': 'active',
                                       'task_state': 'powering-off'})

    compute.delete(ctx, instances.instance_get(server))

    assert instances.instance_get(server)['task_state'] == 'deleting'
    compute.compute_rpcapi.terminate_instance.assert_called_once()


def test_a_placement_after_the_delete_marked_the_server_places_nothing(compute, ctx,
                                                                       server):
    with mock.patch.object(compute_delete, 'local_delete'):
        compute.delete(ctx, instances.instance_get(server))

    assert instances.instances_place({server: ('host1', 'host1', 'nova')}) == []


def test_delete_again_of_a_server_stuck_deleting_on_a_down_host_finishes_it(compute, ctx,
                                                                          server):
    instances.instance_update(server, {'host': 'gone', 'vm_state': 'active',
                                       'task_state': 'deleting'})

    compute.delete(ctx, instances.instance_get(server))

    assert instances.instance_get(server, read_deleted=True)['vm_state'] == 'deleted'
    compute.compute_rpcapi.terminate_instance.assert_not_called()
