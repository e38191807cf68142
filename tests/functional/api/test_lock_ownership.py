"""Who locked a server decides who may unlock it (Nova's ``locked_by``).

``demo:demo`` is a member of the server's project (its owner), ``admin:admin``
an administrator of another project, ``admin:demo`` an administrator of the
server's own project, which Nova counts as its owner.
"""

from novalite.db import actions as db_actions
from novalite.db import instances as db_instances
from tests.functional.api.conftest import make_instance

_OVERRIDE = 'os_compute_api:os-lock-server:unlock:unlock_override'


def _action(client, server, body):
    return client.at('2.73').post(f"/servers/{server['uuid']}/action", body)


def _locked(server):
    row = db_instances.instance_get(server['uuid'])
    return row['locked'], row['locked_by']


def test_a_lock_by_the_owner_is_recorded_as_the_owners(api, db):
    server = make_instance()
    assert _action(api, server, {'lock': None}).status_int == 202
    assert _locked(server) == (True, 'owner')


def test_the_owner_cannot_unlock_what_an_admin_locked_403_and_it_stays_locked(api, admin, db):
    server = make_instance()
    assert _action(admin, server, {'lock': {'locked_reason': 'forensics'}}).status_int == 202
    resp = _action(api, server, {'unlock': None})
    assert resp.status_int == 403
    assert resp.json == {'forbidden': {
        'code': 403, 'message': f"Policy doesn't allow {_OVERRIDE} to be performed."}}
    shown = api.at('2.73').get(f"/servers/{server['uuid']}").json['server']
    assert (shown['locked'], shown['locked_reason']) == (True, 'forensics')
    assert [a['action'] for a in db_actions.actions_get(server['uuid'])] == ['lock']


def test_an_admin_unlocks_what_the_owner_locked(api, admin, db):
    server = make_instance()
    _action(api, server, {'lock': None})
    assert _action(admin, server, {'unlock': None}).status_int == 202
    assert _locked(server) == (False, None)


def test_the_owner_locking_an_admins_lock_again_leaves_it_the_admins(api, admin, db):
    server = make_instance()
    _action(admin, server, {'lock': {'locked_reason': 'forensics'}})
    assert _action(api, server, {'lock': {'locked_reason': 'mine'}}).status_int == 202
    assert _locked(server) == (True, 'admin')
    assert api.at('2.73').get(f"/servers/{server['uuid']}").json['server'][
        'locked_reason'] == 'forensics'


def test_an_admin_locking_the_owners_lock_takes_it_over(api, admin, db):
    server = make_instance()
    _action(api, server, {'lock': None})
    _action(admin, server, {'lock': None})
    assert _locked(server) == (True, 'admin')
    assert _action(api, server, {'unlock': None}).status_int == 403


def test_an_admin_of_the_owning_project_locks_as_the_owner(api, db):
    server = make_instance()
    _action(api.as_user('admin:demo'), server, {'lock': None})
    assert _locked(server) == (True, 'owner')
    assert _action(api, server, {'unlock': None}).status_int == 202


def test_an_admin_of_another_project_unlocks_the_owners_lock(admin, db):
    server = make_instance()
    _action(admin, server, {'lock': None})
    assert _action(admin, server, {'unlock': None}).status_int == 202
    assert _locked(server) == (False, None)


def test_the_policy_file_can_give_members_the_override(api, admin, conf, tmp_path):
    (tmp_path / 'policy.yaml').write_text(f'"{_OVERRIDE}": "rule:project_member_or_admin"\n')
    conf.set_override('policy_file', str(tmp_path / 'policy.yaml'), group='oslo_policy')
    server = make_instance()
    _action(admin, server, {'lock': None})
    assert _action(api, server, {'unlock': None}).status_int == 202
    assert _locked(server) == (False, None)
