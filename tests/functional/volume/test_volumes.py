"""Block Storage API v3 volumes: Cinder's wire format, states and refusals."""

from novalite import context


def test_create_answers_202_with_the_volume_creating(vapi):
    resp = vapi.post('/volumes', {'volume': {'size': 1, 'name': 'data',
                                             'description': 'd', 'metadata': {'a': 'b'}}})
    assert resp.status_int == 202
    volume = resp.json_body_or_none['volume']
    assert (volume['status'], volume['size'], volume['name']) == ('creating', 1, 'data')
    assert volume['metadata'] == {'a': 'b'} and volume['bootable'] == 'false'
    assert volume['multiattach'] is False and volume['attachments'] == []


def test_volume_is_available_after_the_storage_host_created_it(vapi, available):
    volume_id = available()
    volume = vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']
    assert volume['status'] == 'available'


def test_zero_size_is_refused_and_creates_nothing(vapi):
    resp = vapi.post('/volumes', {'volume': {'size': 0}})
    assert resp.status_int == 400
    assert 'greater than 0' in resp.json_body_or_none['badRequest']['message']
    assert vapi.get('/volumes').json_body_or_none['volumes'] == []


def test_quota_of_volumes_answers_413(vapi, conf):
    conf.set_override('quota_volumes', 1, group='volume')
    assert vapi.post('/volumes', {'volume': {'size': 1}}).status_int == 202
    resp = vapi.post('/volumes', {'volume': {'size': 1}})
    assert resp.status_int == 413
    assert 'overLimit' in resp.json_body_or_none


def test_list_filters_by_name_and_status_and_hides_other_projects(vapi, available, volume_app):
    available('a')
    available('b')
    names = {v['name'] for v in vapi.get('/volumes/detail?name=a').json_body_or_none['volumes']}
    assert names == {'a'}
    assert len(vapi.get('/volumes?status=available').json_body_or_none['volumes']) == 2
    other = vapi.__class__(volume_app, token='other:other')
    assert other.get('/volumes').json_body_or_none['volumes'] == []


def test_admin_lists_every_project_with_all_tenants(vadmin, available):
    available('a')
    assert vadmin.get('/volumes').json_body_or_none['volumes'] == []
    found = vadmin.get('/volumes/detail?all_tenants=1').json_body_or_none['volumes']
    assert [v['os-vol-tenant-attr:tenant_id'] for v in found] == ['demo']


def test_extend_of_an_available_volume_grows_it(vapi, available, manager):
    volume_id = available()
    resp = vapi.post(f'/volumes/{volume_id}/action', {'os-extend': {'new_size': 3}})
    assert resp.status_int == 202
    assert vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']['status'] == \
        'extending'
    manager.extend_volume(context.get_admin_context(), volume_id, 3)
    volume = vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']
    assert (volume['status'], volume['size']) == ('available', 3)


def test_extend_to_a_smaller_size_is_refused(vapi, available):
    volume_id = available()
    resp = vapi.post(f'/volumes/{volume_id}/action', {'os-extend': {'new_size': 1}})
    assert resp.status_int == 400


def test_reset_status_is_for_admins_only(vapi, vadmin, available):
    volume_id = available()
    body = {'os-reset_status': {'status': 'error'}}
    assert vapi.post(f'/volumes/{volume_id}/action', body).status_int == 403
    assert vadmin.post(f'/volumes/{volume_id}/action', body).status_int == 202
    assert vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']['status'] == 'error'


def test_delete_removes_the_volume_once_the_host_did(vapi, available, manager):
    volume_id = available()
    assert vapi.delete(f'/volumes/{volume_id}').status_int == 202
    assert vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']['status'] == \
        'deleting'
    manager.delete_volume(context.get_admin_context(), volume_id)
    assert vapi.get(f'/volumes/{volume_id}').status_int == 404


def test_types_list_the_one_default_type(vapi):
    types = vapi.get('/types').json_body_or_none['volume_types']
    assert [t['name'] for t in types] == ['__DEFAULT__']


def test_limits_count_the_projects_volumes(vapi, available):
    available(size=2)
    absolute = vapi.get('/limits').json_body_or_none['limits']['absolute']
    assert (absolute['totalVolumesUsed'], absolute['totalGigabytesUsed']) == (1, 2)


def test_version_outside_the_range_answers_406(vapi):
    assert vapi.get('/volumes', version='3.99').status_int == 406


def test_versions_document_names_v3(volume_app):
    from tests.functional.wsgi_client import VolumeClient
    resp = VolumeClient(volume_app).get('/')
    assert resp.status_int == 300
    assert resp.json_body_or_none['versions'][0]['id'] == 'v3.0'
