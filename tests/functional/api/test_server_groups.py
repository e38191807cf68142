"""os-server-groups: create, list, show, delete, per microversion; boot into a group."""

import pytest

from novalite.db import instances as db_instances
from tests.functional.api.conftest import boot_body

pytestmark = pytest.mark.usefixtures('beyond_max')

GROUP = {'server_group': {'name': 'g', 'policies': ['anti-affinity']}}
GROUP_V264 = {'server_group': {'name': 'g', 'policy': 'anti-affinity',
                               'rules': {'max_server_per_host': 2}}}


def test_create_before_2_64_shows_policies_and_metadata(api):
    resp = api.post('/os-server-groups', GROUP)
    assert resp.status_int == 200
    group = resp.json['server_group']
    assert set(group) == {'id', 'name', 'policies', 'members', 'metadata'}
    assert group['policies'] == ['anti-affinity'] and group['members'] == []


def test_2_13_adds_project_and_user(api):
    group = api.at('2.13').post('/os-server-groups', GROUP).json['server_group']
    assert (group['project_id'], group['user_id']) == ('demo', 'demo')


def test_soft_policies_need_2_15(api):
    body = {'server_group': {'name': 'g', 'policies': ['soft-affinity']}}
    assert api.at('2.14').post('/os-server-groups', body).status_int == 400
    assert api.at('2.15').post('/os-server-groups', body).status_int == 200


def test_2_64_takes_policy_and_rules(api):
    group = api.at('2.64').post('/os-server-groups', GROUP_V264).json['server_group']
    assert group['policy'] == 'anti-affinity'
    assert group['rules'] == {'max_server_per_host': 2}
    assert 'policies' not in group and 'metadata' not in group
    shown = api.at('2.64').get(f"/os-server-groups/{group['id']}").json['server_group']
    assert shown == group


def test_rules_only_for_anti_affinity(api):
    body = {'server_group': {'name': 'g', 'policy': 'affinity',
                             'rules': {'max_server_per_host': 2}}}
    resp = api.at('2.64').post('/os-server-groups', body)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Only anti-affinity policy supports rules.'


@pytest.mark.parametrize('version,body', [
    ('2.1', {'server_group': {'name': 'g'}}),
    ('2.1', {'server_group': {'name': 'g', 'policies': []}}),
    ('2.1', {'server_group': {'name': 'g', 'policies': ['affinity', 'anti-affinity']}}),
    ('2.1', {'server_group': {'name': 'g', 'policies': ['nope']}}),
    ('2.1', {'server_group': {'name': '', 'policies': ['affinity']}}),
    ('2.1', {'server_group': {'name': 'g', 'policies': ['affinity'], 'x': 1}}),
    ('2.1', {'group': {}}),
    ('2.64', {'server_group': {'name': 'g', 'policies': ['affinity']}}),
    ('2.64', {'server_group': {'name': 'g', 'policy': 'anti-affinity',
                               'rules': {'max_server_per_host': 0}}}),
    ('2.64', {'server_group': {'name': 'g', 'policy': 'anti-affinity',
                               'rules': {'other': 1}}}),
])
def test_bad_create_bodies_are_400_and_create_nothing(api, version, body):
    resp = api.at(version).post('/os-server-groups', body)
    assert resp.status_int == 400 and 'badRequest' in resp.json
    assert api.get('/os-server-groups').json == {'server_groups': []}


def test_list_is_the_projects_unless_admin_asks_all_projects(api, admin):
    mine = api.post('/os-server-groups', GROUP).json['server_group']['id']
    theirs = admin.post('/os-server-groups', GROUP).json['server_group']['id']
    assert [g['id'] for g in api.get('/os-server-groups').json['server_groups']] == [mine]
    listed = api.get('/os-server-groups?all_projects=True').json['server_groups']
    assert [g['id'] for g in listed] == [mine]
    listed = admin.get('/os-server-groups?all_projects=True').json['server_groups']
    assert [g['id'] for g in listed] == [mine, theirs]


def test_list_pages_with_limit_and_offset(api):
    ids = [api.post('/os-server-groups', GROUP).json['server_group']['id'] for _ in range(3)]
    listed = api.get('/os-server-groups?limit=1&offset=1').json['server_groups']
    assert [g['id'] for g in listed] == ids[1:2]


def test_bad_list_query_is_400(api):
    assert api.get('/os-server-groups?limit=-1').status_int == 400
    assert api.get('/os-server-groups?all_projects=maybe').status_int == 400
    assert api.at('2.75').get('/os-server-groups?nope=1').status_int == 400
    assert api.at('2.74').get('/os-server-groups?nope=1').status_int == 200


def test_unknown_group_is_404(api):
    resp = api.get('/os-server-groups/8a5f0cd2-58a0-4f4e-a8a3-2b0a9fb1b4b1')
    assert resp.status_int == 404 and 'itemNotFound' in resp.json
    assert api.delete('/os-server-groups/8a5f0cd2-58a0-4f4e-a8a3-2b0a9fb1b4b1').status_int == 404


def test_other_projects_group_is_forbidden(api, admin):
    theirs = admin.post('/os-server-groups', GROUP).json['server_group']['id']
    assert api.get(f'/os-server-groups/{theirs}').status_int == 403
    assert api.delete(f'/os-server-groups/{theirs}').status_int == 403


def test_delete_removes_the_group(api):
    group = api.post('/os-server-groups', GROUP).json['server_group']['id']
    assert api.delete(f'/os-server-groups/{group}').status_int == 204
    assert api.get(f'/os-server-groups/{group}').status_int == 404


def test_boot_with_group_hint_makes_members_and_spec(api, flavor, image):
    group = api.post('/os-server-groups', GROUP).json['server_group']['id']
    body = boot_body(image, min_count=2)
    body['os:scheduler_hints'] = {'group': group}
    assert api.post('/servers', body).status_int == 202
    members = api.get(f'/os-server-groups/{group}').json['server_group']['members']
    assert len(members) == 2
    spec = db_instances.request_spec_get(members[0])
    assert spec['instance_group'] == {'uuid': group, 'policy': 'anti-affinity', 'rules': {}}


def test_deleted_server_leaves_its_group(api, admin, flavor, image):
    group = api.post('/os-server-groups', GROUP).json['server_group']['id']
    body = boot_body(image)
    body['os:scheduler_hints'] = {'group': group}
    server = api.post('/servers', body).json['server']['id']
    assert api.delete(f'/servers/{server}').status_int == 204
    assert api.get(f'/os-server-groups/{group}').json['server_group']['members'] == []


def test_boot_into_another_projects_group_is_400(api, admin, flavor, image):
    theirs = admin.post('/os-server-groups', GROUP).json['server_group']['id']
    body = boot_body(image)
    body['os:scheduler_hints'] = {'group': theirs}
    assert api.post('/servers', body).status_int == 400


def test_boot_with_tags_from_2_52(api, flavor, image):
    body = boot_body(image, networks='auto', tags=['a', 'b'])
    assert api.at('2.51').post('/servers', body).status_int == 400
    server = api.at('2.52').post('/servers', body).json['server']['id']
    assert api.at('2.52').get(f'/servers/{server}/tags').json == {'tags': ['a', 'b']}
