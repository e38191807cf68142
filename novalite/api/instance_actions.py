"""Instance actions: what was done to a server, by whom, and (for admins) each step.

From 2.21 the actions of deleted servers are listed too. Before 2.51 the
events of an action are shown only to callers the events policy allows
(admins by default), with their tracebacks.
"""

from novalite.api import microversion, policy, wsgi
from novalite.api import servers as servers_api
from novalite.api.policies import instance_actions as rules
from novalite.db import actions as db_actions

_ACTION_FIELDS = ('action', 'instance_uuid', 'request_id', 'user_id', 'project_id', 'message')


def _action_view(action):
    view = {key: action[key] for key in _ACTION_FIELDS}
    view['start_time'] = wsgi.precise_time(action['start_time'])
    return view


def _event_view(event):
    return {'event': event['event'], 'result': event['result'],
            'traceback': event['traceback'],
            'start_time': wsgi.precise_time(event['start_time']),
            'finish_time': wsgi.precise_time(event['finish_time'])}


def _instance(req, server_id):
    return servers_api.get_instance(req, server_id, rules.LIST,
                                    read_deleted=microversion.is_supported(req, '2.21'))


def index(req, server_id):
    instance = _instance(req, server_id)
    found = db_actions.actions_get(instance['uuid'])
    return wsgi.json_response({'instanceActions': [_action_view(a) for a in found]})


def show(req, server_id, request_id):
    instance = _instance(req, server_id)
    action = db_actions.action_get_by_request_id(instance['uuid'], request_id)
    view = _action_view(action)
    if policy.check(wsgi.context(req), rules.EVENTS):
        view['events'] = [_event_view(event) for event in action['events']]
    return wsgi.json_response({'instanceAction': view})
