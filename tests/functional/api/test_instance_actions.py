"""os-instance-actions: what happened to a server."""

from novalite.db import actions as db_actions
from novalite.db import instances as db_instances
from tests.functional.api.conftest import make_instance


def _with_failed_event(server):
    db_actions.action_start(server['uuid'], 'stop', 'req-1', 'demo', 'demo')
    db_actions.event_start(server['uuid'], 'req-1', 'compute_stop_instance', 'host1')
    db_actions.event_finish_named(server['uuid'], 'req-1', 'compute_stop_instance', 'host1',
                                  'Error', traceback='Traceback: boom')


def test_index_lists_actions_with_nova_fields(api, db):
    server = make_instance()
    _with_failed_event(server)
    [action] = api.get(f"/servers/{server['uuid']}/os-instance-actions").json[
        'instanceActions']
    assert action['action'] == 'stop' and action['request_id'] == 'req-1'
    assert set(action) == {'action', 'instance_uuid', 'request_id', 'user_id', 'project_id',
                           'start_time', 'message'}
    assert action['message'] == 'Error'


def test_show_includes_events_with_traceback_for_admins_only(api, admin, db):
    server = make_instance()
    _with_failed_event(server)
    path = f"/servers/{server['uuid']}/os-instance-actions/req-1"
    assert 'events' not in api.get(path).json['instanceAction']
    [event] = admin.get(path).json['instanceAction']['events']
    assert event['event'] == 'compute_stop_instance' and event['result'] == 'Error'
    assert event['traceback'] == 'Traceback: boom'
    assert event['finish_time'] is not None


def test_unknown_request_id_is_not_found(api, db):
    server = make_instance()
    assert api.get(f"/servers/{server['uuid']}/os-instance-actions/req-x").status_int == 404


def test_deleted_servers_actions_are_listed_from_2_21(api, db):
    server = make_instance()
    _with_failed_event(server)
    db_instances.instance_destroy(server['uuid'])
    path = f"/servers/{server['uuid']}/os-instance-actions"
    assert api.at('2.20').get(path).status_int == 404
    assert len(api.at('2.21').get(path).json['instanceActions']) == 1


def test_other_projects_actions_are_not_found(api, db):
    server = make_instance(project_id='other')
    assert api.get(f"/servers/{server['uuid']}/os-instance-actions").status_int == 404
