"""Quotas of server groups, their members and server metadata: 403 with Nova's
message, nothing created or changed."""

import pytest

from novalite.db import quotas as db_quotas
from tests.functional.api.conftest import boot_body, make_instance

pytestmark = pytest.mark.usefixtures('beyond_max')

GROUP = {'server_group': {'name': 'g', 'policies': ['anti-affinity']}}


@pytest.fixture
def cloud(compute_host, flavor, image):
    return image


def _groups(api):
    return api.get('/os-server-groups').json['server_groups']


def test_a_group_over_the_project_quota_is_forbidden(api):
    db_quotas.set_limits({'server_groups': 1}, project_id='demo')
    assert api.post('/os-server-groups', GROUP).status_int == 200
    resp = api.post('/os-server-groups', GROUP)
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == 'Quota exceeded, too many server groups.'
    assert len(_groups(api)) == 1


def test_a_user_limit_on_groups_binds_that_user_only(api):
    db_quotas.set_limits({'server_groups': 1}, project_id='demo', user_id='alice')
    alice = api.as_user('alice:demo')
    assert alice.post('/os-server-groups', GROUP).status_int == 200
    assert alice.post('/os-server-groups', GROUP).status_int == 403
    assert api.post('/os-server-groups', GROUP).status_int == 200


def test_deleting_a_group_frees_its_place(api):
    db_quotas.set_limits({'server_groups': 1}, project_id='demo')
    group = api.post('/os-server-groups', GROUP).json['server_group']
    assert api.delete(f"/os-server-groups/{group['id']}").status_int == 204
    assert api.post('/os-server-groups', GROUP).status_int == 200


def test_booting_past_the_group_members_quota_is_forbidden_and_creates_nothing(api, cloud):
    db_quotas.set_limits({'server_group_members': 2}, project_id='demo')
    group = api.post('/os-server-groups', GROUP).json['server_group']
    hints = {'os:scheduler_hints': {'group': group['id']}}
    assert api.post('/servers', dict(boot_body(cloud), **hints)).status_int == 202
    body = boot_body(cloud, min_count=2, max_count=2)
    resp = api.post('/servers', dict(body, **hints))
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == 'Quota exceeded, too many servers in group'
    assert len(api.get('/servers').json['servers']) == 1
    assert len(api.get(f"/os-server-groups/{group['id']}").json['server_group']['members']) == 1
    assert api.post('/servers', dict(boot_body(cloud), **hints)).status_int == 202


def test_other_users_and_soft_deleted_members_do_not_count(api, cloud):
    db_quotas.set_limits({'server_group_members': 1}, project_id='demo')
    group = api.post('/os-server-groups', GROUP).json['server_group']
    from novalite.db import engine, server_groups
    others = [make_instance(user_id='alice'), make_instance(vm_state='soft-delete')]
    with engine.writer() as session:
        server_groups.add_members(session, group['id'], [i['uuid'] for i in others])
    hints = {'os:scheduler_hints': {'group': group['id']}}
    assert api.post('/servers', dict(boot_body(cloud), **hints)).status_int == 202
    assert api.post('/servers', dict(boot_body(cloud), **hints)).status_int == 403


def test_a_racing_boot_that_fills_the_group_creates_nothing(api, cloud, monkeypatch):
    """The check before the rows passed, the counted add after them did not."""
    from novalite.compute import create_extras
    db_quotas.set_limits({'server_group_members': 1}, project_id='demo')
    group = api.post('/os-server-groups', GROUP).json['server_group']
    monkeypatch.setattr(create_extras, '_own_members', lambda context, group: [])
    hints = {'os:scheduler_hints': {'group': group['id']}}
    assert api.post('/servers', dict(boot_body(cloud), **hints)).status_int == 202
    assert api.post('/servers', dict(boot_body(cloud), **hints)).status_int == 403
    assert len(api.get('/servers').json['servers']) == 1


@pytest.fixture
def server(cloud):
    return make_instance(metadata={'a': '1', 'b': '2'})


def test_metadata_set_past_the_quota_is_forbidden_and_changes_nothing(api, server):
    db_quotas.set_limits({'metadata_items': 3}, project_id='demo')
    path = f"/servers/{server['uuid']}/metadata"
    resp = api.post(path, {'metadata': {'c': '3', 'd': '4'}})
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == 'Maximum number of metadata items exceeds 3'
    assert api.get(path).json['metadata'] == {'a': '1', 'b': '2'}
    assert api.put(path + '/c', {'meta': {'c': '3'}}).status_int == 200
    assert api.put(path + '/d', {'meta': {'d': '4'}}).status_int == 403
    assert api.put(path, {'metadata': {str(n): 'x' for n in range(4)}}).status_int == 403
    assert api.put(path, {'metadata': {str(n): 'x' for n in range(3)}}).status_int == 200


def test_metadata_delete_works_under_a_lowered_quota(api, server):
    db_quotas.set_limits({'metadata_items': 0}, project_id='demo')
    assert api.delete(f"/servers/{server['uuid']}/metadata/a").status_int == 204
