"""POST /servers: what is created, what is answered, and what is refused."""

import base64

import pytest

from novalite.db import actions as db_actions
from novalite.db import instances as db_instances
from novalite.db import keypairs as db_keypairs
from tests.functional.api.conftest import boot_body


def _all():
    return db_instances.instance_get_all({'deleted': None})


def test_create_answers_202_with_id_links_password_and_location(api, flavor, image):
    resp = api.post('/servers', boot_body(image))
    assert resp.status_int == 202
    server = resp.json['server']
    assert set(server) == {'id', 'links', 'adminPass', 'OS-DCF:diskConfig', 'security_groups'}
    assert len(server['adminPass']) == 12
    assert server['security_groups'] == [{'name': 'default'}]
    assert server['OS-DCF:diskConfig'] == 'MANUAL'
    assert resp.headers['Location'] == server['links'][0]['href']


def test_create_writes_a_building_instance_with_flavor_snapshot(api, flavor, image):
    server_id = api.post('/servers', boot_body(image, metadata={'role': 'web'})).json[
        'server']['id']
    instance = db_instances.instance_get(server_id)
    assert (instance['vm_state'], instance['task_state']) == ('building', 'scheduling')
    assert instance['project_id'] == 'demo' and instance['user_id'] == 'demo'
    assert instance['flavor']['flavorid'] == '1' and instance['memory_mb'] == 512
    assert instance['metadata'] == {'role': 'web'}
    assert instance['system_metadata']['image_hw_disk_bus'] == 'virtio'
    assert instance['system_metadata']['image_disk_format'] == 'qcow2'
    assert instance['reservation_id'].startswith('r-')
    assert instance['hostname'] == 'web'
    assert db_instances.request_spec_get(instance['uuid'])['flavor']['memory_mb'] == 512


def test_metadata_given_at_create_shows_in_show_and_detail(api, flavor, image):
    server_id = api.post('/servers', boot_body(image, metadata={'role': 'web'})).json[
        'server']['id']
    assert api.get(f'/servers/{server_id}').json['server']['metadata'] == {'role': 'web'}
    [listed] = api.get('/servers/detail').json['servers']
    assert listed['metadata'] == {'role': 'web'}


def test_create_records_a_create_action_under_the_request_id(api, flavor, image):
    resp = api.post('/servers', boot_body(image))
    server_id = resp.json['server']['id']
    [action] = db_actions.actions_get(server_id)
    assert action['action'] == 'create'
    assert action['request_id'] == resp.headers['x-openstack-request-id']


def test_given_admin_pass_is_returned(api, flavor, image):
    server = api.post('/servers', boot_body(image, adminPass='s3cret')).json['server']
    assert server['adminPass'] == 's3cret'


def test_multi_create_names_servers_with_a_suffix(api, flavor, image):
    resp = api.post('/servers', boot_body(image, name='node', min_count=3, max_count=3))
    assert resp.status_int == 202
    names = sorted(i['display_name'] for i in _all())
    assert names == ['node-1', 'node-2', 'node-3']
    assert {i['launch_index'] for i in _all()} == {0, 1, 2}
    assert len({i['reservation_id'] for i in _all()}) == 1


def test_return_reservation_id_answers_only_the_reservation(api, flavor, image):
    resp = api.post('/servers', boot_body(image, max_count=2, return_reservation_id=True))
    assert resp.status_int == 202
    assert set(resp.json) == {'reservation_id'}
    listed = api.get(f"/servers?reservation_id={resp.json['reservation_id']}").json
    assert len(listed['servers']) == 2


def test_min_count_above_max_count_is_refused(api, flavor, image):
    resp = api.post('/servers', boot_body(image, min_count=3, max_count=2))
    assert resp.status_int == 400
    assert _all() == []


def test_max_count_above_the_configured_limit_is_refused(api, conf, flavor, image):
    conf.set_override('max_servers_per_request', 2, group='api')
    assert api.post('/servers', boot_body(image, max_count=3)).status_int == 400
    assert _all() == []


def test_user_data_must_be_base64(api, flavor, image):
    resp = api.post('/servers', boot_body(image, user_data='not base64!'))
    assert resp.status_int == 400
    assert 'field/attribute user_data' in resp.json['badRequest']['message']
    assert _all() == []


def test_user_data_is_stored(api, flavor, image):
    data = base64.b64encode(b'#!/bin/sh\necho hi\n').decode()
    server_id = api.post('/servers', boot_body(image, user_data=data)).json['server']['id']
    assert db_instances.instance_get(server_id)['user_data'] == data


@pytest.mark.parametrize('server, field', [
    ({'flavorRef': ''}, 'flavorRef'),
    ({'name': ''}, 'name'),
    ({'name': ' lead'}, 'name'),
    ({'metadata': {'k': 1}}, 'k'),
    ({'min_count': 0}, 'min_count'),
    ({'accessIPv4': '300.1.1.1'}, 'accessIPv4'),
    ({'config_drive': 'sometimes'}, 'config_drive'),
    ({'networks': [{'uuid': 'x', 'bogus': 1}]}, '0'),
])
def test_invalid_field_is_named_and_nothing_is_created(api, flavor, image, server, field):
    resp = api.post('/servers', boot_body(image, **server))
    assert resp.status_int == 400
    assert f'field/attribute {field}' in resp.json['badRequest']['message']
    assert _all() == []


def test_missing_flavor_ref_is_named(api, flavor, image):
    resp = api.post('/servers', {'server': {'name': 'x', 'imageRef': image['id']}})
    assert resp.status_int == 400
    assert 'field/attribute flavorRef' in resp.json['badRequest']['message']


def test_unsupported_property_is_rejected(api, flavor, image):
    resp = api.post('/servers', boot_body(image, block_device_mapping=[]))
    assert resp.status_int == 400
    assert "'block_device_mapping' was unexpected" in resp.json['badRequest']['message']


def test_personality_is_refused_from_2_57(api, flavor, image, beyond_max):
    body = boot_body(image, networks='auto', personality=[])
    resp = api.at('2.57').post('/servers', body)
    assert resp.status_int == 400
    assert "'personality' was unexpected" in resp.json['badRequest']['message']


def test_unknown_flavor_is_a_bad_request(api, flavor, image):
    resp = api.post('/servers', boot_body(image, flavor_id='42'))
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Invalid flavorRef provided.'
    assert _all() == []


def test_unknown_image_is_a_bad_request(api, flavor, image):
    resp = api.post('/servers', boot_body(image, imageRef='2b0a1c3e-0000-4000-8000-000000000000'))
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Can not find requested image'


def test_image_href_url_is_accepted(api, flavor, image):
    href = f"http://glance.example.com/v2/images/{image['id']}"
    assert api.post('/servers', boot_body(image, imageRef=href)).status_int == 202


def test_image_needing_more_memory_than_the_flavor_is_refused(api, conf, db, image, tmp_path):
    from novalite.db import flavors as db_flavors
    from novalite.image import local
    db_flavors.flavor_create({'flavorid': 's', 'name': 's', 'memory_mb': 64, 'vcpus': 1,
                              'root_gb': 1})
    big = local.get_image_service(conf).create('big', str(tmp_path / 'cirros.img'),
                                               min_ram=128)
    resp = api.post('/servers', boot_body(big, flavor_id='s'))
    assert resp.status_int == 400
    assert 'memory is too small' in resp.json['badRequest']['message']


def test_image_larger_than_the_root_disk_is_refused(api, conf, db, image, tmp_path):
    from novalite.db import flavors as db_flavors
    from novalite.image import local
    db_flavors.flavor_create({'flavorid': 'd', 'name': 'd', 'memory_mb': 64, 'vcpus': 1,
                              'root_gb': 1})
    big = local.get_image_service(conf).create('big', str(tmp_path / 'cirros.img'),
                                               min_disk=5)
    resp = api.post('/servers', boot_body(big, flavor_id='d'))
    assert resp.status_int == 400
    assert 'disk is smaller than the minimum' in resp.json['badRequest']['message']


def test_unknown_key_name_is_a_bad_request(api, flavor, image):
    resp = api.post('/servers', boot_body(image, key_name='nokey'))
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Invalid key_name provided.'


def test_key_name_copies_the_public_key(api, flavor, image):
    db_keypairs.keypair_create({'name': 'mykey', 'user_id': 'demo', 'public_key': 'ssh-rsa AAA',
                                'fingerprint': 'aa'})
    server_id = api.post('/servers', boot_body(image, key_name='mykey')).json['server']['id']
    assert db_instances.instance_get(server_id)['key_data'] == 'ssh-rsa AAA'


def test_unknown_availability_zone_is_a_bad_request(api, flavor, image):
    resp = api.post('/servers', boot_body(image, availability_zone='mars'))
    assert resp.status_int == 400
    assert 'availability zone' in resp.json['badRequest']['message']


def test_default_zone_is_accepted(api, flavor, image):
    server_id = api.post('/servers', boot_body(image, availability_zone='nova')).json[
        'server']['id']
    assert db_instances.instance_get(server_id)['availability_zone'] == 'nova'


def test_forcing_a_host_is_admin_only(api, admin, flavor, image, compute_host):
    assert api.post('/servers', boot_body(image, availability_zone='nova:host1')
                    ).status_int == 403
    resp = admin.post('/servers', boot_body(image, availability_zone='nova:host1'))
    assert resp.status_int == 202
    spec = db_instances.request_spec_get(resp.json['server']['id'])
    assert spec['availability_zone'] == 'nova:host1'


def test_forcing_an_unknown_host_is_a_bad_request(admin, flavor, image):
    assert admin.post('/servers', boot_body(image, availability_zone='nova:ghost')
                      ).status_int == 400


def test_scheduler_hints_reach_the_request_spec_as_lists(api, flavor, image):
    other = '8a5f0cd2-58a0-4f4e-a8a3-2b0a9fb1b4b1'
    body = boot_body(image)
    body['os:scheduler_hints'] = {'different_host': other}
    server_id = api.post('/servers', body).json['server']['id']
    hints = db_instances.request_spec_get(server_id)['scheduler_hints']
    assert hints == {'different_host': [other]}


def test_unknown_server_group_hint_is_a_bad_request(api, flavor, image):
    body = boot_body(image)
    body['OS-SCH-HNT:scheduler_hints'] = {'group': '8a5f0cd2-58a0-4f4e-a8a3-2b0a9fb1b4b1'}
    resp = api.post('/servers', body)
    assert resp.status_int == 400
    assert 'could not be found' in resp.json['badRequest']['message']
    assert _all() == []


def test_config_drive_is_recorded_as_nova_does(api, flavor, image):
    server_id = api.post('/servers', boot_body(image, config_drive=True)).json['server']['id']
    assert db_instances.instance_get(server_id)['config_drive'] == 'True'


def test_networks_are_required_from_2_37(api, flavor, image):
    resp = api.at('2.37').post('/servers', boot_body(image))
    assert resp.status_int == 400
    assert 'networks' in resp.json['badRequest']['message']


@pytest.mark.parametrize('networks', ['auto', 'none'])
def test_networks_auto_and_none_are_accepted_from_2_37(api, flavor, image, networks):
    resp = api.at('2.37').post('/servers', boot_body(image, networks=networks))
    assert resp.status_int == 202
    spec = db_instances.request_spec_get(resp.json['server']['id'])
    assert spec['requested_networks'] == networks


def test_networks_auto_is_refused_before_2_37(api, flavor, image):
    assert api.at('2.36').post('/servers', boot_body(image, networks='auto')).status_int == 400


def test_network_uuid_must_be_a_uuid_from_2_37(api, flavor, image):
    resp = api.at('2.37').post('/servers', boot_body(image, networks=[{'uuid': 'net1'}]))
    assert resp.status_int == 400


def test_unknown_network_is_a_bad_request(api, flavor, image):
    resp = api.post('/servers', boot_body(
        image, networks=[{'uuid': '8a5f0cd2-58a0-4f4e-a8a3-2b0a9fb1b4b1'}]))
    assert resp.status_int == 400
    assert 'could not be found' in resp.json['badRequest']['message']


def test_ports_are_refused(api, flavor, image):
    resp = api.post('/servers', boot_body(
        image, networks=[{'port': '8a5f0cd2-58a0-4f4e-a8a3-2b0a9fb1b4b1'}]))
    assert resp.status_int == 400


def test_network_tags_only_between_2_32_and_2_36(api, flavor, image):
    from novalite.network import api as network_api
    net = network_api.ensure_network()['uuid']
    tagged = [{'uuid': net, 'tag': 'nic1'}]
    assert api.at('2.31').post('/servers', boot_body(image, networks=tagged)).status_int == 400
    assert api.at('2.32').post('/servers', boot_body(image, networks=tagged)).status_int == 202
    assert api.at('2.36').post('/servers', boot_body(image, networks=tagged)).status_int == 202
    assert api.at('2.37').post('/servers', boot_body(image, networks=tagged)).status_int == 400


def test_description_from_2_19_and_defaults_to_the_name_before(api, flavor, image):
    old = api.post('/servers', boot_body(image, name='old')).json['server']['id']
    assert db_instances.instance_get(old)['display_description'] == 'old'
    assert api.post('/servers', boot_body(image, description='d')).status_int == 400
    new = api.at('2.19').post('/servers', boot_body(image, description='d')).json['server']['id']
    assert db_instances.instance_get(new)['display_description'] == 'd'


def test_image_boot_through_block_device_mapping_is_accepted(api, flavor, image):
    body = boot_body(image, imageRef='', block_device_mapping_v2=[{
        'source_type': 'image', 'destination_type': 'local', 'boot_index': 0,
        'uuid': image['id']}])
    assert api.post('/servers', body).status_int == 202


def test_personality_below_2_57_goes_to_the_build_not_the_database(api, flavor, image,
                                                                    monkeypatch):
    from novalite.conductor import rpcapi as conductor_rpcapi
    sent = []
    monkeypatch.setattr(conductor_rpcapi.ComputeTaskAPI, 'schedule_and_build_instances',
                        lambda self, ctx, created, spec: sent.append(spec))
    files = [{'path': '/etc/motd', 'contents': 'aGk='}]
    server_id = api.post('/servers', boot_body(image, personality=files)).json['server']['id']
    assert sent[0]['injected_files'] == files
    assert 'injected_files' not in db_instances.request_spec_get(server_id)


def test_personality_contents_must_be_base64(api, flavor, image):
    files = [{'path': '/etc/motd', 'contents': '%%%'}]
    assert api.post('/servers', boot_body(image, personality=files)).status_int == 400
    assert _all() == []


def test_long_but_valid_access_ipv6_is_stored_compressed(api, admin, flavor, image):
    body = boot_body(image, accessIPv6='0000:0000:0000:0000:0000:ffff:192.168.100.200')
    resp = api.post('/servers', body)
    assert resp.status_int == 202
    shown = api.get(f"/servers/{resp.json['server']['id']}").json['server']
    assert shown['accessIPv6'] == '::ffff:c0a8:64c8'
    update = {'server': {'accessIPv6': '2001:0db8:0000:0000:0000:0000:0000:0001'}}
    resp = api.put(f"/servers/{shown['id']}", update)
    assert resp.json['server']['accessIPv6'] == '2001:db8::1'
