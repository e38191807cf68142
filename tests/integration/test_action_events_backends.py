"""Action events on each real database: statements that find their action by subquery."""

import pytest

from novalite import exception
from novalite.db import actions, engine, migration

BUILD = 'compute__do_build_and_run_instance'


@pytest.fixture
def action(conf, database_url):
    engine.configure(database_url)
    migration.db_sync()
    actions.action_start('inst-1', 'create', 'req-1', 'user', 'project')
    yield
    engine.configure('sqlite://')


def _events():
    return [(event['host'], event['result'], event['traceback'])
            for event in actions.action_get_by_request_id('inst-1', 'req-1')['events']]


def test_events_start_and_end_in_any_order(action):
    actions.event_start('inst-1', 'req-1', BUILD, 'h1')
    actions.event_finish_named('inst-1', 'req-1', BUILD, 'h1', 'Error', 'boom')
    actions.event_finish_named('inst-1', 'req-1', BUILD, 'h2', 'Success')
    assert _events() == [('h1', 'Error', 'boom'), ('h2', 'Success', None)]
    assert actions.actions_get('inst-1')[0]['message'] == 'Error'


def test_an_event_under_no_action_is_refused(action):
    with pytest.raises(exception.InstanceActionNotFound):
        actions.event_start('inst-1', 'req-unknown', BUILD, 'h1')
