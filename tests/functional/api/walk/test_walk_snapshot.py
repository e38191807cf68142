"""createImage, createBackup, shelve, shelveOffload and unshelve through the API, step by step
through their microversions (2.38/2.39 image metadata quota, 2.45 image_id body, 2.77 unshelve
availability_zone, 2.91 unshelve host and null zone).

No compute host or conductor runs here: what each action checks, persists, registers
in the image service and hands over is asserted; the flows run in
tests/functional/test_all_in_one_snapshots.py.
"""

from unittest import mock

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import actions as db_actions
from novalite.db import instances as db_instances
from novalite.db import quotas as db_quotas
from novalite.db import services as db_services
from novalite.image import local as local_image
from tests.functional.api.conftest import make_instance

SYSMETA = {'security_groups': 'default', 'image_base_image_ref': 'c0ffee00',
           'image_disk_format': 'raw', 'image_container_format': 'bare',
           'image_min_ram': '0', 'image_kernel_id': 'k1', 'image_hw_qemu_guest_agent': 'yes',
           'image_cache_in_nova': 'True'}


@pytest.fixture
def casts():
    sent = []

    def record(self, context, host, method, instance, **kwargs):
        sent.append((host, method, instance['uuid'], kwargs))
    with mock.patch.object(compute_rpcapi.ComputeAPI, '_cast_image_op', record):
        yield sent


@pytest.fixture
def unshelves(monkeypatch):
    sent = []
    monkeypatch.setattr(conductor_rpcapi.ComputeTaskAPI, 'unshelve_instance',
                        lambda self, ctx, instance, zone, host: sent.append(
                            (instance['uuid'], zone, host)))
    return sent


@pytest.fixture
def images(conf):
    return local_image.get_image_service(conf)


@pytest.fixture
def server(db, compute_host):
    return make_instance(system_metadata=dict(SYSMETA))


def _action(client, server, body, version=None):
    return client.post(f"/servers/{server['uuid']}/action", body, version=version)


def _message(resp):
    return next(iter(resp.json.values()))['message']


def _task(server):
    return db_instances.instance_get(server['uuid'])['task_state']


# createImage

def test_create_image_registers_a_queued_image_like_the_server_and_casts(
        api, server, casts, images):
    resp = _action(api, server, {'createImage': {'name': 'snap', 'metadata': {'k': 'v'}}})
    assert resp.status_int == 202
    image_id = resp.headers['Location'].rsplit('/', 1)[1]
    image = images.show(image_id)
    assert (image['name'], image['status'], image['visibility'], image['owner']) == (
        'snap', 'queued', 'private', 'demo')
    # The data will be the driver's format: the original's formats are not inherited.
    assert image['disk_format'] is None and image['container_format'] is None
    assert image['properties'] == {
        'base_image_ref': 'c0ffee00', 'kernel_id': 'k1', 'hw_qemu_guest_agent': 'yes',
        'instance_uuid': server['uuid'], 'user_id': 'demo', 'image_type': 'snapshot',
        'k': 'v'}
    assert _task(server) == 'image_snapshot_pending'
    assert casts == [('host1', 'snapshot_instance', server['uuid'], {'image_id': image_id})]
    assert [a['action'] for a in db_actions.actions_get(server['uuid'])] == ['createImage']


def test_create_image_answers_the_image_id_from_2_45(api, server, casts, beyond_max):
    before = _action(api, server, {'createImage': {'name': 'a'}}, version='2.44')
    assert before.status_int == 202 and before.body == b'' and 'Location' in before.headers
    db_instances.instance_update(server['uuid'], {'task_state': None})
    after = _action(api, server, {'createImage': {'name': 'b'}}, version='2.45')
    assert after.status_int == 202 and 'Location' not in after.headers
    assert after.json == {'image_id': casts[-1][3]['image_id']}


def test_create_image_metadata_counts_against_the_quota_until_2_38(api, server, casts,
                                                                 beyond_max):
    db_quotas.set_limits({'metadata_items': 1}, project_id='demo')
    body = {'createImage': {'name': 'snap', 'metadata': {'a': '1', 'b': '2'}}}
    over = _action(api, server, body, version='2.38')
    assert over.status_int == 403 and 'Image metadata limit exceeded' in _message(over)
    assert _task(server) is None and casts == []
    assert _action(api, server, body, version='2.39').status_int == 202


def test_create_image_of_a_busy_server_is_a_conflict_and_leaves_no_image(
        api, server, casts, images):
    db_instances.instance_update(server['uuid'], {'task_state': 'rebooting'})
    resp = _action(api, server, {'createImage': {'name': 'snap'}})
    assert resp.status_int == 409
    assert _message(resp) == (f"Cannot 'createImage' instance {server['uuid']} while it is "
                              "in task_state rebooting")
    assert [i['name'] for i in images.list()] == [] and casts == []


@pytest.mark.parametrize('body', [
    {'createImage': {}}, {'createImage': {'name': ''}}, {'createImage': {'name': 'x',
                                                                          'bogus': 1}},
    {'createImage': {'name': 'x', 'metadata': {'k': 1}}},
])
def test_create_image_with_a_bad_body_is_a_400_and_changes_nothing(api, server, casts, body):
    assert _action(api, server, body).status_int == 400
    assert _task(server) is None and casts == []


def test_create_image_of_another_project_s_server_is_not_found(api, db, compute_host, casts):
    other = make_instance(project_id='other', system_metadata=dict(SYSMETA))
    assert _action(api, other, {'createImage': {'name': 'x'}}).status_int == 404


def test_an_admin_s_snapshot_of_a_user_s_server_is_shared_with_its_project(
        admin, server, casts, images):
    resp = _action(admin, server, {'createImage': {'name': 'snap'}})
    image = images.show(resp.headers['Location'].rsplit('/', 1)[1])
    assert image['visibility'] == 'shared'
    assert image['properties']['instance_owner'] == 'demo'


# createBackup

def test_create_backup_registers_a_backup_image_and_casts_the_rotation(
        api, server, casts, images):
    resp = _action(api, server, {'createBackup': {'name': 'b', 'backup_type': 'daily',
                                                  'rotation': 2}})
    assert resp.status_int == 202
    image_id = resp.headers['Location'].rsplit('/', 1)[1]
    image = images.show(image_id)
    assert image['properties']['image_type'] == 'backup'
    assert image['properties']['backup_type'] == 'daily'
    assert _task(server) == 'image_backup'
    assert casts == [('host1', 'backup_instance', server['uuid'],
                      {'image_id': image_id, 'backup_type': 'daily', 'rotation': 2})]


def test_create_backup_with_rotation_zero_has_no_location(api, server, casts):
    resp = _action(api, server, {'createBackup': {'name': 'b', 'backup_type': 'daily',
                                                  'rotation': 0}})
    assert resp.status_int == 202 and 'Location' not in resp.headers


def test_create_backup_answers_the_image_id_from_2_45(api, server, casts, beyond_max):
    resp = _action(api, server, {'createBackup': {'name': 'b', 'backup_type': 'weekly',
                                                  'rotation': '1'}}, version='2.45')
    assert resp.status_int == 202 and resp.json == {'image_id': casts[0][3]['image_id']}


@pytest.mark.parametrize('inner', [
    {'name': 'b', 'backup_type': 'daily'}, {'name': 'b', 'rotation': 1},
    {'name': 'b', 'backup_type': 'daily', 'rotation': -1},
    {'name': 'b', 'backup_type': 'daily', 'rotation': 'x'},
])
def test_create_backup_with_a_bad_body_is_a_400(api, server, casts, inner):
    assert _action(api, server, {'createBackup': inner}).status_int == 400
    assert casts == []


# shelve, shelveOffload

def test_shelve_registers_the_shelved_image_and_casts(api, server, casts, images):
    assert _action(api, server, {'shelve': None}).status_int == 202
    [image] = images.list()
    assert image['name'] == 'vm-shelved' and image['properties']['image_type'] == 'snapshot'
    assert _task(server) == 'shelving'
    assert casts == [('host1', 'shelve_instance', server['uuid'],
                      {'image_id': image['id'], 'clean_shutdown': True})]
    again = _action(api, server, {'shelve': None})
    assert again.status_int == 409 and 'task_state shelving' in _message(again)


def test_shelve_of_a_shelved_server_is_a_conflict(api, db, compute_host, casts):
    shelved = make_instance(vm_state='shelved', system_metadata=dict(SYSMETA))
    resp = _action(api, shelved, {'shelve': None})
    assert resp.status_int == 409
    assert _message(resp) == (f"Cannot 'shelve' instance {shelved['uuid']} while it is in "
                              "vm_state shelved")


def test_shelve_offload_is_for_admins_and_shelved_servers(api, admin, server, casts):
    assert _action(admin, server, {'shelveOffload': None}).status_int == 409
    db_instances.instance_update(server['uuid'], {'vm_state': 'shelved'})
    assert _action(api, server, {'shelveOffload': None}).status_int == 403
    assert _action(admin, server, {'shelveOffload': None}).status_int == 202
    assert _task(server) == 'shelving_offloading'
    assert casts[-1][:3] == ('host1', 'shelve_offload_instance', server['uuid'])


def test_shelved_and_offloaded_servers_show_their_status(api, db, compute_host):
    shelved = make_instance(vm_state='shelved')
    offloaded = make_instance(vm_state='shelved_offloaded', host=None, node=None)
    for instance, status in ((shelved, 'SHELVED'), (offloaded, 'SHELVED_OFFLOADED')):
        assert api.get(f"/servers/{instance['uuid']}").json['server']['status'] == status


# unshelve

@pytest.fixture
def offloaded(db, compute_host):
    return make_instance(vm_state='shelved_offloaded', host=None, node=None,
                         system_metadata=dict(SYSMETA, shelved_image_id='i1'))


def test_unshelve_of_an_offloaded_server_goes_to_the_conductor(api, offloaded, unshelves):
    assert _action(api, offloaded, {'unshelve': None}).status_int == 202
    assert _task(offloaded) == 'unshelving'
    assert unshelves == [(offloaded['uuid'], None, None)]
    assert [a['action'] for a in db_actions.actions_get(offloaded['uuid'])] == ['unshelve']


def test_unshelve_before_2_77_ignores_the_body(api, offloaded, unshelves, beyond_max):
    resp = _action(api, offloaded, {'unshelve': {'availability_zone': 'nova'}},
                   version='2.76')
    assert resp.status_int == 202 and unshelves == [(offloaded['uuid'], None, None)]


def test_unshelve_into_a_zone_from_2_77(api, offloaded, unshelves, beyond_max):
    assert _action(api, offloaded, {'unshelve': {}}, version='2.77').status_int == 400
    unknown = _action(api, offloaded, {'unshelve': {'availability_zone': 'mars'}},
                      version='2.77')
    assert unknown.status_int == 400
    assert _message(unknown) == 'The requested availability zone is not available'
    assert _action(api, offloaded, {'unshelve': {'availability_zone': 'nova'}},
                   version='2.77').status_int == 202
    assert unshelves == [(offloaded['uuid'], 'nova', None)]


def test_unshelve_with_a_zone_of_a_server_not_offloaded_is_a_conflict(
        api, db, compute_host, unshelves, beyond_max):
    shelved = make_instance(vm_state='shelved')
    resp = _action(api, shelved, {'unshelve': {'availability_zone': 'nova'}}, version='2.77')
    assert resp.status_int == 409
    assert _message(resp) == (
        f"Specifying an availability zone or a host when unshelving server {shelved['uuid']} "
        "with status shelved is not supported. The server status must be SHELVED_OFFLOADED.")
    assert _task(shelved) is None and unshelves == []


def test_unshelve_to_a_host_from_2_91_is_for_admins(api, admin, offloaded, unshelves,
                                                    beyond_max):
    body = {'unshelve': {'host': 'host1'}}
    assert _action(api, offloaded, body, version='2.90').status_int == 400
    assert _action(api, offloaded, body, version='2.91').status_int == 403
    assert _action(admin, offloaded, {'unshelve': {'host': 'nohost'}},
                   version='2.91').status_int == 400
    assert _action(admin, offloaded, body, version='2.91').status_int == 202
    assert unshelves == [(offloaded['uuid'], None, 'host1')]


def test_unshelve_to_a_host_outside_the_zone_is_a_conflict(admin, offloaded, unshelves,
                                                           beyond_max):
    db_services.compute_node_report('host2', 'node2', {
        'hypervisor_type': 'fake', 'hypervisor_version': 1000, 'host_ip': '192.0.2.11',
        'availability_zone': 'az2', 'vcpus': 16, 'memory_mb': 65536, 'local_gb': 1024,
        'free_disk_gb': 1000, 'running_vms': 0, 'cpu_info': {'arch': 'x86_64'}})
    resp = _action(admin, offloaded, {'unshelve': {'host': 'host1',
                                                   'availability_zone': 'az2'}},
                   version='2.91')
    assert resp.status_int == 409
    assert _message(resp) == 'Host "host1" is not in the availability zone "az2".'
    assert _task(offloaded) is None and unshelves == []


def test_unshelve_with_a_null_zone_unpins_from_2_91(api, db, compute_host, unshelves,
                                                    beyond_max):
    pinned = make_instance(vm_state='shelved_offloaded', host=None, node=None,
                           availability_zone='nova')
    assert _action(api, pinned, {'unshelve': {'availability_zone': None}},
                   version='2.91').status_int == 202
    assert unshelves == [(pinned['uuid'], None, None)]


def test_unshelve_of_an_active_server_is_a_conflict(api, server, unshelves):
    resp = _action(api, server, {'unshelve': None})
    assert resp.status_int == 409 and 'vm_state active' in _message(resp)


def _volume_backed(server):
    from novalite.db import block_device_mappings
    block_device_mappings.bdm_create(server['uuid'], {
        'source_type': 'volume', 'destination_type': 'volume', 'boot_index': 0,
        'volume_id': 'c0ffee00-0000-4000-8000-000000000001', 'device_name': '/dev/vda'})


def test_backup_of_a_volume_backed_server_is_refused(api, server, casts, images):
    _volume_backed(server)
    resp = _action(api, server, {'createBackup': {'name': 'x', 'backup_type': 'daily',
                                                  'rotation': 1}})
    assert resp.status_int == 400
    assert _task(server) is None and images.list() == [] and casts == []


def test_shelve_of_a_volume_backed_server_offloads_it_at_once_without_an_image(
        api, server, casts, images):
    _volume_backed(server)
    assert _action(api, server, {'shelve': None}).status_int == 202
    assert _task(server) == 'shelving_offloading' and images.list() == []
    assert [(method, uuid) for _host, method, uuid, _kwargs in casts] == [
        ('shelve_offload_instance', server['uuid'])]
