"""Rebuild and evacuate through the API, microversion by microversion.

No conductor runs here: what passes the checks is persisted and handed to
``ComputeTaskAPI.rebuild_instance``, which these tests capture. The flows
themselves run in ``tests/functional/test_all_in_one_rebuild.py`` and
``tests/integration/test_evacuate.py``.
"""

import base64

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import block_device_mappings as db_bdms
from novalite.db import instances as db_instances
from novalite.db import keypairs as db_keypairs
from novalite.db import server_migrations
from novalite.db import services as db_services
from novalite.image import local as local_image
from novalite.volume import cinder
from tests.functional.api.conftest import make_instance


@pytest.fixture
def handed_over(monkeypatch):
    """The rebuilds handed to the conductor: (instance uuid, args, kwargs)."""
    sent = []
    monkeypatch.setattr(conductor_rpcapi.ComputeTaskAPI, 'rebuild_instance',
                        lambda self, ctx, instance, *args, **kwargs:
                        sent.append((instance['uuid'], args, kwargs)))
    return sent


@pytest.fixture
def server(flavor, compute_host, image):
    return make_instance(image_ref=image['id'])


def _action(client, server, body, version=None):
    return client.post(f"/servers/{server['uuid']}/action", body, version=version)


def _message(resp):
    return next(iter(resp.json.values()))['message']


def _rebuild(client, server, image, version=None, **options):
    return _action(client, server, {'rebuild': dict(options, imageRef=image['id'])}, version)


# Rebuild

def test_rebuild_persists_rebuilding_with_the_new_values_and_answers_the_server(
        api, server, image, handed_over):
    resp = _rebuild(api, server, image, '2.1', name='renamed', metadata={'k': 'v'},
                    adminPass='s3cret', accessIPv4='192.0.2.4')
    assert resp.status_int == 202
    shown = resp.json['server']
    assert (shown['id'], shown['name'], shown['status']) == (server['uuid'], 'renamed',
                                                             'REBUILD')
    assert shown['metadata'] == {'k': 'v'} and shown['adminPass'] == 's3cret'
    assert shown['accessIPv4'] == '192.0.2.4' and shown['image']['id'] == image['id']
    assert 'key_name' not in shown and 'OS-EXT-STS:task_state' not in shown
    stored = db_instances.instance_get(server['uuid'])
    assert (stored['task_state'], stored['display_name']) == ('rebuilding', 'renamed')
    [(uuid, args, kwargs)] = handed_over
    assert (uuid, args[1], kwargs['new_pass']) == (server['uuid'], image['id'], 's3cret')
    actions = api.get(f"/servers/{server['uuid']}/os-instance-actions").json
    assert [a['action'] for a in actions['instanceActions']] == ['rebuild']


def test_rebuild_generates_a_password_when_none_is_given(api, server, image, handed_over):
    shown = _rebuild(api, server, image).json['server']
    assert len(shown['adminPass']) >= 8
    assert handed_over[0][2]['new_pass'] == shown['adminPass']


@pytest.mark.parametrize('vm_state, task_state', [('building', 'spawning'),
                                                  ('active', 'rebooting'),
                                                  ('paused', None), ('suspended', None)])
def test_rebuild_from_a_wrong_state_is_a_conflict_naming_it(api, server, image, handed_over,
                                                            vm_state, task_state):
    db_instances.instance_update(server['uuid'], {'vm_state': vm_state,
                                                  'task_state': task_state})
    resp = _rebuild(api, server, image)
    assert resp.status_int == 409
    assert "Cannot 'rebuild' instance" in _message(resp)
    assert handed_over == []


@pytest.mark.parametrize('vm_state', ['stopped', 'error'])
def test_rebuild_of_a_stopped_or_errored_server_is_accepted(api, server, image, handed_over,
                                                           vm_state):
    db_instances.instance_update(server['uuid'], {'vm_state': vm_state})
    assert _rebuild(api, server, image).status_int == 202


def test_rebuild_with_an_unknown_image_is_refused_and_changes_nothing(api, server,
                                                                     handed_over):
    resp = _action(api, server, {'rebuild': {'imageRef': 'f' * 8 + '-0000-4000-8000-' +
                                             '0' * 12, 'name': 'x'}})
    assert resp.status_int == 400 and _message(resp) == 'Cannot find image for rebuild'
    stored = db_instances.instance_get(server['uuid'])
    assert (stored['task_state'], stored['display_name']) == (None, 'vm')


def test_rebuild_of_a_locked_server_is_a_conflict_for_its_owner(api, admin, server, image,
                                                              handed_over):
    db_instances.instance_update(server['uuid'], {'locked': True})
    assert _rebuild(api, server, image).status_int == 409
    assert _rebuild(admin, server, image).status_int == 202


def test_personality_until_2_56_then_refused(api, server, image, handed_over):
    files = [{'path': '/etc/motd', 'contents': base64.b64encode(b'hi').decode()}]
    assert _rebuild(api, server, image, '2.56', personality=files).status_int == 202
    assert handed_over[0][2]['injected_files'] == files
    db_instances.instance_update(server['uuid'], {'task_state': None})
    assert _rebuild(api, server, image, '2.57', personality=files).status_int == 400


def test_key_name_from_2_54_sets_or_unsets_the_key(api, server, image, handed_over):
    db_keypairs.keypair_create({'user_id': 'demo', 'name': 'k1', 'public_key': 'ssh-ed25519 AAA',
                                'fingerprint': 'f', 'type': 'ssh'})
    assert _rebuild(api, server, image, '2.53', key_name='k1').status_int == 400
    shown = _rebuild(api, server, image, '2.54', key_name='k1').json['server']
    assert shown['key_name'] == 'k1'
    assert db_instances.instance_get(server['uuid'])['key_data'] == 'ssh-ed25519 AAA'
    db_instances.instance_update(server['uuid'], {'task_state': None})
    assert _rebuild(api, server, image, '2.54', key_name=None).json['server']['key_name'] \
        is None
    db_instances.instance_update(server['uuid'], {'task_state': None})
    resp = _rebuild(api, server, image, '2.54', key_name='nope')
    assert resp.status_int == 400 and _message(resp) == 'Invalid key_name provided.'


def test_user_data_from_2_57_is_set_and_shown(api, server, image, handed_over):
    encoded = base64.b64encode(b'#!/bin/sh\necho rebuilt\n').decode()
    assert _rebuild(api, server, image, '2.56', user_data=encoded).status_int == 400
    shown = _rebuild(api, server, image, '2.57', user_data=encoded).json['server']
    assert shown['user_data'] == encoded
    assert db_instances.instance_get(server['uuid'])['user_data'] == encoded


def test_trusted_image_certificates_from_2_63_are_refused_but_null_is_accepted(
        api, server, image, handed_over):
    assert _rebuild(api, server, image, '2.62',
                    trusted_image_certificates=None).status_int == 400
    resp = _rebuild(api, server, image, '2.63', trusted_image_certificates=['cert-1'])
    assert resp.status_int == 400 and 'signature' in _message(resp)
    assert handed_over == []
    shown = _rebuild(api, server, image, '2.63', trusted_image_certificates=None)
    assert shown.status_int == 202
    assert shown.json['server']['trusted_image_certificates'] is None


def test_hostname_from_2_90_and_a_fqdn_from_2_94(api, server, image, handed_over):
    assert _rebuild(api, server, image, '2.89', hostname='web1').status_int == 400
    assert _rebuild(api, server, image, '2.90', hostname='web.example').status_int == 400
    assert _rebuild(api, server, image, '2.90', hostname='web1').status_int == 202
    assert db_instances.instance_get(server['uuid'])['hostname'] == 'web1'
    db_instances.instance_update(server['uuid'], {'task_state': None})
    assert _rebuild(api, server, image, '2.94', hostname='web.example.org').status_int == 202
    assert db_instances.instance_get(server['uuid'])['hostname'] == 'web.example.org'


def test_from_2_75_the_response_is_the_full_server_view(api, server, image, handed_over):
    before = _rebuild(api, server, image, '2.74').json['server']
    db_instances.instance_update(server['uuid'], {'task_state': None})
    after = _rebuild(api, server, image, '2.75').json['server']
    for key in ('OS-EXT-STS:task_state', 'OS-EXT-AZ:availability_zone', 'config_drive',
                'security_groups', 'OS-SRV-USG:launched_at'):
        assert key not in before and key in after
    assert after['OS-EXT-STS:task_state'] == 'rebuilding'
    assert 'adminPass' in after and after['key_name'] is None


def test_metadata_over_quota_is_forbidden(api, admin, server, image, handed_over):
    admin.put('/os-quota-sets/demo', {'quota_set': {'metadata_items': 1}})
    resp = _rebuild(api, server, image, metadata={'a': '1', 'b': '2'})
    assert resp.status_int == 403
    assert db_instances.instance_get(server['uuid'])['task_state'] is None


# Evacuate

def _down(host='host1', forced=True):
    (service,) = db_services.service_get_all(binary='novalite-compute', host=host)
    db_services.service_update(service['id'], {'forced_down': forced})


@pytest.fixture
def other_host(db):
    service = db_services.service_get_or_create('host2', 'novalite-compute', 'compute')
    db_services.service_heartbeat(service['id'])
    return service


def test_evacuate_is_for_admins(api, server, handed_over):
    _down()
    assert _action(api, server, {'evacuate': {}}, '2.14').status_int == 403


def test_evacuate_while_the_host_is_up_is_refused(admin, server, handed_over):
    resp = _action(admin, server, {'evacuate': {}}, '2.14')
    assert resp.status_int == 400
    assert _message(resp) == 'Compute service of host1 is still in use.'
    assert db_instances.instance_get(server['uuid'])['task_state'] is None
    assert handed_over == []


def test_evacuate_of_a_down_host_records_an_evacuation_and_hands_it_over(
        admin, server, other_host, handed_over):
    _down()
    resp = _action(admin, server, {'evacuate': {'host': 'host2'}}, '2.14')
    assert resp.status_int == 200 and not resp.body
    assert db_instances.instance_get(server['uuid'])['task_state'] == 'rebuilding'
    migration = server_migrations.migration_get_in_progress(server['uuid'])
    assert (migration['migration_type'], migration['status'], migration['source_compute']) \
        == ('evacuation', 'accepted', 'host1')
    [(_uuid, _args, kwargs)] = handed_over
    assert (kwargs['recreate'], kwargs['host'], kwargs['force'], kwargs['target_state']) == (
        True, 'host2', False, None)
    shown = admin.get(f"/servers/{server['uuid']}").json['server']
    assert shown['status'] == 'REBUILD'


def test_evacuate_before_2_14_needs_on_shared_storage_and_answers_the_password(
        admin, server, handed_over):
    _down()
    assert _action(admin, server, {'evacuate': {}}, '2.13').status_int == 400
    resp = _action(admin, server, {'evacuate': {'onSharedStorage': False,
                                                'adminPass': 'pw'}}, '2.13')
    assert resp.status_int == 200 and resp.json == {'adminPass': 'pw'}


def test_evacuate_on_shared_storage_is_refused(admin, server, handed_over):
    _down()
    resp = _action(admin, server, {'evacuate': {'onSharedStorage': True}}, '2.13')
    assert resp.status_int == 400 and handed_over == []


def test_evacuate_force_exists_from_2_29_to_2_67(admin, server, other_host, handed_over):
    _down()
    body = {'evacuate': {'host': 'host2', 'force': True}}
    assert _action(admin, server, body, '2.28').status_int == 400
    assert _action(admin, server, body, '2.68').status_int == 400
    assert _action(admin, server, body, '2.29').status_int == 200
    assert handed_over[0][2]['force'] is True


def test_evacuate_from_2_95_leaves_the_server_stopped(admin, server, handed_over):
    _down()
    assert _action(admin, server, {'evacuate': {}}, '2.95').status_int == 200
    assert handed_over[0][2]['target_state'] == 'stopped'


def test_evacuate_to_an_unknown_or_the_same_host_is_refused(admin, server, handed_over):
    _down()
    resp = _action(admin, server, {'evacuate': {'host': 'nowhere'}}, '2.14')
    assert resp.status_int == 404
    resp = _action(admin, server, {'evacuate': {'host': 'host1'}}, '2.14')
    assert resp.status_int == 400 and _message(resp) == "The target host can't be the same one."
    assert handed_over == []


def test_evacuate_from_a_wrong_state_is_a_conflict(admin, server, handed_over):
    _down()
    db_instances.instance_update(server['uuid'], {'vm_state': 'paused'})
    resp = _action(admin, server, {'evacuate': {}}, '2.14')
    assert resp.status_int == 409 and "Cannot 'evacuate' instance" in _message(resp)


@pytest.fixture
def volume_backed(flavor, compute_host, image, monkeypatch):
    """A server booted from a volume made of ``image`` (the Block Storage API faked)."""
    server = make_instance(image_ref='')
    volume_id = '5' * 8 + '-0000-4000-8000-' + '0' * 12
    db_bdms.bdm_create(server['uuid'], {'volume_id': volume_id, 'boot_index': 0,
                                        'device_name': '/dev/vda', 'source_type': 'volume',
                                        'destination_type': 'volume'})
    monkeypatch.setattr(cinder.API, 'get', lambda self, ctx, vid: {
        'id': vid, 'status': 'in-use', 'volume_image_metadata': {'image_id': image['id']}})
    return server


@pytest.fixture
def other_image(conf, tmp_path):
    source = tmp_path / 'other.img'
    source.write_bytes(b'\1' * 1024)
    return local_image.get_image_service(conf).create('other', str(source))


def test_rebuild_of_a_volume_backed_server_with_its_volume_s_image_keeps_it_volume_backed(
        api, volume_backed, image, handed_over):
    resp = _rebuild(api, volume_backed, image, '2.92', name='again')
    assert resp.status_int == 202
    assert resp.json['server']['image'] == ''
    stored = db_instances.instance_get(volume_backed['uuid'])
    assert (stored['task_state'], stored['image_ref'], stored['display_name']) == (
        'rebuilding', '', 'again')
    [(_uuid, args, _kwargs)] = handed_over
    assert args[:2] == (image['id'], image['id'])


def test_rebuild_of_a_volume_backed_server_with_another_image_is_refused_before_2_93(
        api, volume_backed, other_image, handed_over):
    resp = _rebuild(api, volume_backed, other_image, '2.92')
    assert resp.status_int == 400
    assert _message(resp) == (f"Image {other_image['id']} is unacceptable: Unable to rebuild "
                              f"with a different image for a volume-backed server.")
    assert db_instances.instance_get(volume_backed['uuid'])['task_state'] is None
    assert handed_over == []


@pytest.fixture
def cast_to_host(monkeypatch):
    """The rebuilds cast straight to the server's host: (host, image_ref, kwargs)."""
    sent = []
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'rebuild_instance',
                        lambda self, ctx, host, instance, orig, image_ref, **kwargs:
                        sent.append((host, orig, image_ref, kwargs)))
    return sent


def test_2_93_a_volume_backed_server_is_rebuilt_with_a_new_image_on_its_volume(
        api, volume_backed, image, other_image, handed_over, cast_to_host):
    assert _rebuild(api, volume_backed, other_image, '2.92').status_int == 400
    resp = _rebuild(api, volume_backed, other_image, '2.93')
    assert resp.status_int == 202 and resp.json['server']['image'] == ''
    [(host, orig, image_ref, kwargs)] = cast_to_host
    assert (host, orig, image_ref, kwargs['reimage_boot_volume']) == (
        'host1', image['id'], other_image['id'], True)
    stored = db_instances.instance_get(volume_backed['uuid'])
    assert (stored['task_state'], stored['image_ref']) == ('rebuilding', '')
    assert stored['system_metadata']['image_base_image_ref'] == other_image['id']
    assert handed_over == []


def test_2_93_the_same_image_is_written_over_the_boot_volume_too(
        api, volume_backed, image, handed_over, cast_to_host):
    assert _rebuild(api, volume_backed, image, '2.93').status_int == 202
    assert cast_to_host[0][3]['reimage_boot_volume'] is True and handed_over == []


def test_2_93_a_server_booted_from_its_image_is_rebuilt_as_before(
        api, server, other_image, handed_over, cast_to_host):
    assert _rebuild(api, server, other_image, '2.93').status_int == 202
    assert cast_to_host == [] and len(handed_over) == 1


def test_2_93_compute_hosts_capped_below_1_18_refuse_a_re_image_and_change_nothing(
        api, volume_backed, other_image, cast_to_host, monkeypatch):
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'supports_reimage', lambda self: False)
    resp = _rebuild(api, volume_backed, other_image, '2.93', name='nope')
    assert resp.status_int == 409 and '1.18' in _message(resp)
    stored = db_instances.instance_get(volume_backed['uuid'])
    assert (stored['task_state'], stored['display_name']) == (None, 'vm')
