"""Instance actions: what was done to a server, by whom, and each step of it.

From 2.21 the actions of deleted servers are listed too. Events: before
2.51 only callers the events policy allows (admins by default) see them,
with their tracebacks; from 2.51 every reader sees them, tracebacks still
for the policy's callers. 2.58 pages the list (``limit``, ``marker`` the
request id, ``changes-since``), 2.66 adds ``changes-before``; 2.62 shows
each event's ``hostId`` (and ``host`` to the events policy), 2.84 its
``details`` to the events-details policy.
"""

from oslo_utils import timeutils

from novalite import exception
from novalite.api import microversion, policy, server_view, validation, wsgi
from novalite.api import servers as servers_api
from novalite.api.policies import instance_actions as rules
from novalite.api.schemas import instance_actions as schemas
from novalite.db import actions as db_actions

_ACTION_FIELDS = ('action', 'instance_uuid', 'request_id', 'user_id', 'project_id', 'message')
_LIST_QUERIES = (('2.66', schemas.list_query_v266), ('2.58', schemas.list_query_v258))


def _action_view(action, with_updated):
    view = {key: action[key] for key in _ACTION_FIELDS}
    view['start_time'] = wsgi.precise_time(action['start_time'])
    if with_updated:
        view['updated_at'] = wsgi.precise_time(action['updated_at'])
    return view


class _EventView:
    """What of an event this request may see."""

    def __init__(self, req, instance):
        ctx = wsgi.context(req)
        target = {'project_id': instance['project_id']}
        self.privileged = policy.check(ctx, rules.EVENTS, target)
        self.shown = self.privileged or microversion.is_supported(req, '2.51')
        self.host_id = microversion.is_supported(req, '2.62')
        self.details = (microversion.is_supported(req, '2.84')
                        and policy.check(ctx, rules.EVENTS_DETAILS, target))
        self.project_id = instance['project_id']

    def __call__(self, event):
        view = {'event': event['event'], 'result': event['result'],
                'start_time': wsgi.precise_time(event['start_time']),
                'finish_time': wsgi.precise_time(event['finish_time'])}
        if self.privileged:
            view['traceback'] = event['traceback']
        if self.host_id:
            view['hostId'] = server_view.host_id(self.project_id, event['host'])
            if self.privileged:
                view['host'] = event['host']
        if self.details:
            view['details'] = event['details']
        return view


def _instance(req, server_id):
    return servers_api.get_instance(req, server_id, rules.LIST,
                                    read_deleted=microversion.is_supported(req, '2.21'))


def _changed_between(actions, params):
    """Actions last updated within ``changes-since``..``changes-before`` (2.58, 2.66)."""
    since, before = (params.get(name) for name in ('changes-since', 'changes-before'))
    since, before = (timeutils.normalize_time(timeutils.parse_isotime(value))
                     if value else None for value in (since, before))
    if since and before and before < since:
        raise exception.Invalid(
            "The value of changes-since must be less than or equal to changes-before.")
    if since is None and before is None:
        return actions
    kept = []
    for action in actions:
        updated = _as_time(action['updated_at'] or action['start_time'])
        if (since is None or updated >= since) and (before is None or updated <= before):
            kept.append(action)
    return kept


def _as_time(value):
    if isinstance(value, str):
        return timeutils.normalize_time(timeutils.parse_isotime(value))
    return value


def _page(actions, limit, marker):
    if marker is not None:
        ids = [action['request_id'] for action in actions]
        if marker not in ids:
            raise exception.MarkerNotFound(marker=marker)
        actions = actions[ids.index(marker) + 1:]
    return actions[:limit]


@validation.query_schemas(*_LIST_QUERIES)
def index(req, server_id):
    instance = _instance(req, server_id)
    found = db_actions.actions_get(instance['uuid'])
    if not microversion.is_supported(req, '2.58'):
        return wsgi.json_response({'instanceActions': [_action_view(a, False) for a in found]})
    params = validation.query(req, next(schema for version, schema in _LIST_QUERIES
                                        if microversion.is_supported(req, version)))
    limit, marker = wsgi.limit_and_marker(params)
    found = _page(_changed_between(found, params), limit, marker)
    body = {'instanceActions': [_action_view(a, True) for a in found]}
    links = wsgi.collection_links(req, wsgi.Links(req), f'servers/{server_id}/os-instance-actions',
                                  body['instanceActions'], limit, id_key='request_id')
    if links:
        body['links'] = links
    return wsgi.json_response(body)


def show(req, server_id, request_id):
    instance = _instance(req, server_id)
    action = db_actions.action_get_by_request_id(instance['uuid'], request_id)
    view = _action_view(action, microversion.is_supported(req, '2.58'))
    events = _EventView(req, instance)
    if events.shown:
        view['events'] = [events(event) for event in action['events']]
    return wsgi.json_response({'instanceAction': view})
