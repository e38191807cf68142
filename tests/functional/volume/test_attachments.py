"""The attachments API (3.27+): reserve, connect, complete, delete; no multiattach."""

SERVER = '0b8e2c8e-6a1c-4d4e-9c55-3a0c1a7c0001'
OTHER_SERVER = '0b8e2c8e-6a1c-4d4e-9c55-3a0c1a7c0002'
CONNECTOR = {'host': 'host1', 'ip': '127.0.0.1', 'initiator': 'iqn.1993-08.org.debian:01:x',
             'mountpoint': '/dev/vdb'}


def _attach(vapi, volume_id, server=SERVER, connector=None):
    body = {'attachment': {'volume_uuid': volume_id, 'instance_uuid': server}}
    if connector:
        body['attachment']['connector'] = connector
    return vapi.post('/attachments', body)


def _status(vapi, volume_id):
    return vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']['status']


def test_attachment_without_connector_reserves_the_volume(vapi, available):
    volume_id = available()
    resp = _attach(vapi, volume_id)
    assert resp.status_int == 200
    assert resp.json_body_or_none['attachment']['status'] == 'reserved'
    assert _status(vapi, volume_id) == 'reserved'


def test_update_with_connector_returns_flat_iscsi_connection_info(vapi, available):
    volume_id = available()
    attachment_id = _attach(vapi, volume_id).json_body_or_none['attachment']['id']
    resp = vapi.put(f'/attachments/{attachment_id}', {'attachment': {'connector': CONNECTOR}})
    info = resp.json_body_or_none['attachment']['connection_info']
    assert info['driver_volume_type'] == 'iscsi'
    assert info['target_portal'] == '127.0.0.1:3260'
    assert info['target_iqn'].endswith(f'volume-{volume_id}')
    assert (info['target_lun'], info['auth_method']) == (1, 'CHAP')
    assert info['auth_username'] and info['auth_password']
    assert _status(vapi, volume_id) == 'attaching'


def test_complete_makes_the_volume_in_use_with_its_server(vapi, available):
    volume_id = available()
    attachment_id = _attach(vapi, volume_id, connector=CONNECTOR) \
        .json_body_or_none['attachment']['id']
    resp = vapi.post(f'/attachments/{attachment_id}/action', {'os-complete': None})
    assert resp.status_int == 204
    volume = vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']
    assert volume['status'] == 'in-use'
    assert [(a['server_id'], a['device']) for a in volume['attachments']] == \
        [(SERVER, '/dev/vdb')]


def test_second_attach_of_one_volume_is_refused_with_400(vapi, available):
    volume_id = available()
    assert _attach(vapi, volume_id).status_int == 200
    resp = _attach(vapi, volume_id, server=OTHER_SERVER)
    assert resp.status_int == 400
    assert 'must be available' in resp.json_body_or_none['badRequest']['message']


def test_in_use_volume_cannot_be_deleted(vapi, available):
    volume_id = available()
    _attach(vapi, volume_id)
    resp = vapi.delete(f'/volumes/{volume_id}')
    assert resp.status_int == 400
    assert _status(vapi, volume_id) == 'reserved'


def test_attachment_delete_makes_the_volume_available_again(vapi, available):
    volume_id = available()
    attachment_id = _attach(vapi, volume_id, connector=CONNECTOR) \
        .json_body_or_none['attachment']['id']
    resp = vapi.delete(f'/attachments/{attachment_id}')
    assert resp.status_int == 200
    assert _status(vapi, volume_id) == 'available'
    assert vapi.get(f'/attachments/{attachment_id}').status_int == 404


def test_attachments_need_microversion_3_27(vapi, available):
    volume_id = available()
    resp = vapi.at('3.26').post('/attachments', {'attachment': {'volume_uuid': volume_id}})
    assert resp.status_int == 404


def test_attachments_list_filters_by_server(vapi, available):
    _attach(vapi, available('a'))
    _attach(vapi, available('b'), server=OTHER_SERVER)
    found = vapi.get(f'/attachments?instance_id={SERVER}').json_body_or_none['attachments']
    assert [a['instance'] for a in found] == [SERVER]


def test_the_server_of_an_in_use_volume_may_reserve_it_again_as_a_shelve_offload_does(
        vapi, available):
    volume_id = available()
    first = _attach(vapi, volume_id, connector=CONNECTOR).json_body_or_none['attachment']
    vapi.post(f"/attachments/{first['id']}/action", {'os-complete': None})
    assert _attach(vapi, volume_id, server=OTHER_SERVER).status_int == 400
    again = _attach(vapi, volume_id)
    assert again.status_int == 200
    assert _status(vapi, volume_id) == 'in-use'
    assert vapi.delete(f"/attachments/{first['id']}").status_int == 200
    assert _status(vapi, volume_id) == 'reserved'
    # Still the server's: another cannot take it.
    assert _attach(vapi, volume_id, server=OTHER_SERVER).status_int == 400


def test_a_live_migration_destination_attaches_the_in_use_volume_too_and_it_stays_in_use(
        vapi, available):
    volume_id = available()
    first = _attach(vapi, volume_id, connector=CONNECTOR).json_body_or_none['attachment']
    vapi.post(f"/attachments/{first['id']}/action", {'os-complete': None})
    dest = _attach(vapi, volume_id, connector=dict(CONNECTOR, host='host2'))
    assert dest.status_int == 200
    assert dest.json_body_or_none['attachment']['connection_info']['auth_method'] == 'CHAP'
    assert _status(vapi, volume_id) == 'in-use'
    new_id = dest.json_body_or_none['attachment']['id']
    vapi.post(f'/attachments/{new_id}/action', {'os-complete': None})
    assert vapi.delete(f"/attachments/{first['id']}").status_int == 200
    volume = vapi.get(f'/volumes/{volume_id}').json_body_or_none['volume']
    assert volume['status'] == 'in-use'
    assert [(a['attachment_id'], a['host_name']) for a in volume['attachments']] == \
        [(new_id, 'host2')]


def test_begin_detaching_marks_an_in_use_volume_and_roll_detaching_undoes_it(vapi, available):
    volume_id = available()
    attachment_id = _attach(vapi, volume_id, connector=CONNECTOR) \
        .json_body_or_none['attachment']['id']
    vapi.post(f'/attachments/{attachment_id}/action', {'os-complete': None})
    action = f'/volumes/{volume_id}/action'
    assert vapi.post(action, {'os-begin_detaching': {}}).status_int == 202
    assert _status(vapi, volume_id) == 'detaching'
    # A second detach is refused while the first is under way.
    resp = vapi.post(action, {'os-begin_detaching': {}})
    assert resp.status_int == 400
    assert "must be 'in-use'" in resp.json_body_or_none['badRequest']['message']
    assert vapi.post(action, {'os-roll_detaching': {}}).status_int == 202
    assert _status(vapi, volume_id) == 'in-use'


def test_begin_detaching_of_a_volume_still_attaching_is_400(vapi, available):
    volume_id = available()
    _attach(vapi, volume_id, connector=CONNECTOR)
    resp = vapi.post(f'/volumes/{volume_id}/action', {'os-begin_detaching': {}})
    assert resp.status_int == 400
    assert _status(vapi, volume_id) == 'attaching'
