"""``POST /os-server-external-events``: another service tells servers what happened to them.

Nova's contract: each event answers its own ``code`` (200 accepted, 404 no
such server, 422 the server has no host to tell, 400 a ``volume-extended``
without the volume's id in ``tag``); the response is 200 when every event
was accepted, 207 when some were, and 404 when none was. Accepted events go
to each server's host (:mod:`novalite.compute.external_events`).
"""

from novalite import exception
from novalite.api import policy, validation, wsgi
from novalite.api.policies import admin as rules
from novalite.api.schemas import server_external_events as schemas
from novalite.compute import external_events
from novalite.db import instances as db_instances

# Events a host cannot act on without the thing they name.
_TAG_REQUIRED = ('volume-extended', 'volume-reimaged')


def _instances(uuids):
    found = {}
    for uuid in uuids:
        try:
            found[uuid] = db_instances.instance_get(uuid)
        except exception.InstanceNotFound:
            pass
    return found


def _judge(event, instance):
    """The event's code: 200 if its server's host can be told."""
    if instance is None:
        return 404
    if event['name'] in _TAG_REQUIRED and event.get('tag') is None:
        return 400
    return 200 if instance['host'] else 422


@validation.body(schemas.create, '2.0', '2.50')
@validation.body(schemas.create_v251, '2.51', '2.75')
@validation.body(schemas.create_v276, '2.76', '2.81')
@validation.body(schemas.create_v282, '2.82', '2.92')
@validation.body(schemas.create_v293, '2.93')
def create(req):
    ctx = wsgi.context(req)
    policy.authorize(ctx, rules.EXTERNAL_EVENTS, {})
    events = validation.load_body(req)['events']
    instances = _instances({event['server_uuid'] for event in events})
    accepted, status = [], 200
    for event in events:
        instance = instances.get(event['server_uuid'])
        event['code'] = _judge(event, instance)
        if event['code'] != 200:
            event['status'] = 'failed'
            status = 207
            continue
        accepted.append((instance, {'name': event['name'], 'tag': event.get('tag'),
                                    'status': event.get('status', 'completed'),
                                    'instance_uuid': instance['uuid']}))
    if not accepted:
        raise exception.NotFound("No instances found for any event")
    external_events.send(ctx, accepted)
    return wsgi.json_response({'events': events}, status=status)
