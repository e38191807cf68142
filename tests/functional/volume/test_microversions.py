"""The Block Storage API's microversions 3.45 to 3.67 on the routes novalite-volume serves.

Each step sends the same request at the version before Cinder's change and
at the change's version, as the compute API's walk does; 3.68
(``os-reimage``) is in ``test_reimage.py``. Versions that change routes
novalite-volume does not have (3.47's backups aside, 3.49 services, 3.51
backups, 3.55-3.59 transfers, groups and backups, 3.62 default types)
answer 404 there at every version; 3.50 (multiattach) and 3.64 (encrypted
volumes) describe capabilities it does not have (a multiattach volume is
refused, no volume is encrypted); 3.67 (no project in the path) it always had.
"""

import json

from novalite import context
from novalite.db import services
from novalite.image import local as local_image
from novalite.volume import api as volume_api


def _detail(vapi, volume_id):
    return vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']


def test_3_45_listings_count_with_count(vapi, available):
    available('a')
    available('b')
    for path in ('/volumes', '/volumes/detail', '/snapshots'):
        assert 'count' not in vapi.at('3.44').get(path + '?with_count=true').json_body_or_none
    assert vapi.at('3.45').get('/volumes?with_count=true&limit=1').json_body_or_none[
        'count'] == 2
    assert vapi.at('3.45').get('/snapshots?with_count=true').json_body_or_none['count'] == 0


def test_3_46_a_volume_backed_server_s_image_makes_the_volume_of_its_snapshot(
        vapi, available, manager, conf, tmp_path):
    volume_id = available()
    snapshot = vapi.post('/snapshots', {'snapshot': {'volume_id': volume_id}}) \
        .json_body_or_none['snapshot']
    manager.create_snapshot(context.get_admin_context(), snapshot['id'])
    source = tmp_path / 'empty'
    source.write_bytes(b'')
    image = local_image.get_image_service(conf).create(
        'bfv-snap', str(source), disk_format='raw', properties={
            'bdm_v2': 'True', 'block_device_mapping': json.dumps([{
                'source_type': 'snapshot', 'destination_type': 'volume', 'boot_index': 0,
                'snapshot_id': snapshot['id'], 'volume_size': 1}])})
    body = {'volume': {'size': 1, 'imageRef': image['id']}}
    assert vapi.at('3.45').post('/volumes', body).json_body_or_none['volume'][
        'snapshot_id'] is None
    assert vapi.at('3.46').post('/volumes', body).json_body_or_none['volume'][
        'snapshot_id'] == snapshot['id']


def test_3_47_a_backup_to_make_a_volume_of_is_looked_up(vapi):
    body = {'volume': {'size': 1, 'backup_id': '9' * 8 + '-0000-4000-8000-' + '0' * 12}}
    assert vapi.at('3.46').post('/volumes', body).status_int == 202
    assert vapi.at('3.47').post('/volumes', body).status_int == 404


def test_3_48_volumes_show_shared_targets_and_their_service(vapi, available, conf):
    service = services.service_get_or_create(conf.host, volume_api.VOLUME_BINARY, 'volume')
    volume_id = available()
    assert 'shared_targets' not in vapi.at('3.47').get(f'/volumes/{volume_id}') \
        .json_body_or_none['volume']
    shown = vapi.at('3.48').get(f'/volumes/{volume_id}').json_body_or_none['volume']
    assert (shown['shared_targets'], shown['service_uuid']) == (False, service['uuid'])


def test_3_52_types_filter_on_extra_specs(vapi):
    path = '/types?extra_specs={"RESKEY:availability_zones":"az1"}'
    assert len(vapi.at('3.51').get(path).json_body_or_none['volume_types']) == 1
    assert vapi.at('3.52').get(path).json_body_or_none['volume_types'] == []
    assert len(vapi.at('3.52').get('/types?extra_specs={}').json_body_or_none[
        'volume_types']) == 1


def test_3_53_bodies_are_checked_against_cinder_s_schemas(vapi, available):
    body = {'volume': {'size': 1, 'status': 'available'}}
    assert vapi.at('3.52').post('/volumes', body).status_int == 202
    resp = vapi.at('3.53').post('/volumes', body)
    assert resp.status_int == 400 and 'status were unexpected' in \
        resp.json_body_or_none['badRequest']['message']
    volume_id = available()
    assert vapi.at('3.52').put(f'/volumes/{volume_id}', {'volume': {}}).status_int == 200
    assert vapi.at('3.53').put(f'/volumes/{volume_id}', {'volume': {}}).status_int == 400


def test_3_54_attachments_take_a_mode(vapi, available):
    server = '0b7c5f0e-3f7e-4a53-9f55-2c2b0f6d7a11'
    for version, mode in (('3.53', 'rw'), ('3.54', 'ro')):
        volume_id = available()
        made = vapi.at(version).post('/attachments', {'attachment': {
            'volume_uuid': volume_id, 'instance_uuid': server, 'mode': 'ro'}})
        assert made.json_body_or_none['attachment']['attach_mode'] == mode


def test_3_60_volumes_filter_on_times(vapi, available):
    available()
    path = '/volumes?created_at=lt:2000-01-01T00:00:00'
    assert len(vapi.at('3.59').get(path).json_body_or_none['volumes']) == 1
    assert vapi.at('3.60').get(path).json_body_or_none['volumes'] == []
    assert len(vapi.at('3.60').get('/volumes?created_at=gt:2000-01-01T00:00:00,'
                                   'lte:2999-01-01T00:00:00').json_body_or_none['volumes']) == 1
    assert vapi.at('3.60').get('/volumes?created_at=soon:2000-01-01').status_int == 400


def test_3_61_and_3_63_admins_see_the_cluster_and_everyone_the_type_id(
        vapi, vadmin, available):
    volume_id = available()
    assert 'cluster_name' not in vadmin.at('3.60').get(f'/volumes/{volume_id}') \
        .json_body_or_none['volume']
    assert vadmin.at('3.61').get(f'/volumes/{volume_id}').json_body_or_none['volume'][
        'cluster_name'] is None
    assert 'cluster_name' not in _detail(vapi.at('3.61'), volume_id)
    assert 'volume_type_id' not in _detail(vapi.at('3.62'), volume_id)
    assert _detail(vapi.at('3.63'), volume_id)['volume_type_id'] == volume_api.DEFAULT_TYPE_ID


def test_3_65_consumes_quota_is_shown_and_filters(vapi, available):
    volume_id = available()
    assert 'consumes_quota' not in _detail(vapi.at('3.64'), volume_id)
    assert _detail(vapi.at('3.65'), volume_id)['consumes_quota'] is True
    assert len(vapi.at('3.64').get('/volumes?consumes_quota=false').json_body_or_none[
        'volumes']) == 1
    assert vapi.at('3.65').get('/volumes?consumes_quota=false').json_body_or_none[
        'volumes'] == []


def test_3_66_an_in_use_volume_is_snapshotted_without_force(vapi, available, manager):
    volume_id = available()
    attachment = vapi.post('/attachments', {'attachment': {
        'volume_uuid': volume_id, 'instance_uuid': '0b7c5f0e-3f7e-4a53-9f55-2c2b0f6d7a11',
        'connector': {'host': 'h1', 'initiator': 'iqn.h1'}}}).json_body_or_none['attachment']
    vapi.post(f"/attachments/{attachment['id']}/action", {'os-complete': None})
    body = {'snapshot': {'volume_id': volume_id}}
    assert vapi.at('3.65').post('/snapshots', body).status_int == 400
    assert vapi.at('3.66').post('/snapshots', body).status_int == 202
    resp = vapi.at('3.66').post('/snapshots', {'snapshot': {'volume_id': volume_id,
                                                            'force': False}})
    assert resp.status_int == 400 and "'force' flag is invalid" in \
        resp.json_body_or_none['badRequest']['message']
    manager.init_host(context.get_admin_context())
