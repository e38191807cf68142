"""Policy through the paste pipeline: Nova's fault bodies for refused and hidden servers."""

from tests.functional.api.conftest import make_instance


def test_server_of_another_project_is_not_found(api, db):
    server = make_instance(project_id='other', user_id='other')
    resp = api.get(f'/servers/{server["uuid"]}')
    assert resp.status_int == 404
    assert resp.json_body_or_none['itemNotFound']['code'] == 404


def test_action_the_policy_file_forbids_is_403_and_changes_nothing(api, conf, tmp_path):
    (tmp_path / 'policy.yaml').write_text(
        '"os_compute_api:servers:delete": "rule:context_is_admin"\n')
    conf.set_override('policy_file', str(tmp_path / 'policy.yaml'), group='oslo_policy')
    server = make_instance()
    resp = api.delete(f'/servers/{server["uuid"]}')
    assert resp.status_int == 403
    assert resp.json_body_or_none == {'forbidden': {
        'code': 403,
        'message': "Policy doesn't allow os_compute_api:servers:delete to be performed."}}
    assert api.get(f'/servers/{server["uuid"]}').json_body_or_none['server']['status'] == \
        'ACTIVE'


def test_admin_only_route_is_403_for_a_member(api):
    resp = api.get('/os-services')
    assert resp.status_int == 403
    assert 'os_compute_api:os-services:list' in resp.json_body_or_none['forbidden']['message']
