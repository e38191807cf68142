"""Instance actions, their events, and instance faults: what happened and why."""

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models
from novalite.db.models import utcnow

_ACTION = models.InstanceAction
_EVENT = models.InstanceActionEvent
_FAULT = models.InstanceFault
_ACTIONS = _ACTION.__table__
_EVENTS = _EVENT.__table__
_FAULTS = _FAULT.__table__

# Built once: the API shows actions by request, and compute hosts record two
# events per build under one. Parameters ``of_instance`` and ``of_request``.
_OF_REQUEST = sa.and_(_ACTIONS.c.instance_uuid == sa.bindparam('of_instance'),
                      _ACTIONS.c.request_id == sa.bindparam('of_request'))
_NEWEST_ACTION_ID = (sa.select(_ACTIONS.c.id).where(_OF_REQUEST)
                     .order_by(_ACTIONS.c.id.desc()).limit(1))
# Every fault of a page of servers: an instance has few, and a plain indexed
# read of them all is cheaper than picking the newest in SQL.
_FAULTS_OF = (sa.select(_FAULTS)
              .where(_FAULTS.c.instance_uuid.in_(sa.bindparam('uuids', expanding=True)))
              .order_by(_FAULTS.c.id))


def action_start(instance_uuid, action, request_id, user_id=None, project_id=None):
    with engine.writer() as session:
        insert_started(session, [instance_uuid], action, request_id, user_id, project_id)


def insert_started(session, instance_uuids, action, request_id, user_id=None,
                   project_id=None):
    """Start one action per instance inside the caller's transaction."""
    now = utcnow()
    session.execute(sa.insert(_ACTION), [
        {'instance_uuid': uuid, 'action': action, 'request_id': request_id,
         'user_id': user_id, 'project_id': project_id, 'start_time': now}
        for uuid in instance_uuids])


def _action_row(session, instance_uuid, request_id):
    action_id = session.execute(_NEWEST_ACTION_ID, {'of_instance': instance_uuid,
                                                    'of_request': request_id}).scalar()
    if action_id is None:
        raise exception.InstanceActionNotFound(request_id=request_id,
                                               instance_uuid=instance_uuid)
    return session.get(_ACTION, action_id)


def action_finish(instance_uuid, request_id, message=None):
    with engine.writer() as session:
        row = _action_row(session, instance_uuid, request_id)
        row.finish_time = utcnow()
        if message:
            row.message = message[:255]


@engine.retry_on_deadlock
def event_start(instance_uuid, request_id, event, host=None):
    """Record the start of a step of an action. :raises InstanceActionNotFound:"""
    with engine.writer() as session:
        record_event(session, instance_uuid, request_id, event, host)


@engine.retry_on_deadlock
def event_finish_named(instance_uuid, request_id, event, host, result, traceback=None):
    """Close the open ``event`` of ``host``. :raises InstanceActionNotFound:"""
    with engine.writer() as session:
        record_event(session, instance_uuid, request_id, event, host, result, traceback)


# Events find their action by subquery: each is two statements (three when
# a finish arrives before its start).
_INSERT_EVENT = sa.insert(_EVENTS).from_select(
    ['action_id', 'event', 'host', 'start_time', 'finish_time', 'result', 'traceback',
     'details'],
    _NEWEST_ACTION_ID.add_columns(
        sa.bindparam('event_name', type_=sa.String),
        sa.bindparam('event_host', type_=sa.String), sa.bindparam('now', type_=sa.DateTime),
        sa.bindparam('finished_at', type_=sa.DateTime),
        sa.bindparam('outcome', type_=sa.String), sa.bindparam('trace', type_=sa.Text),
        sa.bindparam('event_details', type_=sa.Text))
).execution_options(preserve_rowcount=True)  # psycopg forgets an INSERT's on close
_CLOSE_EVENTS = (
    sa.update(_EVENTS)
    .where(_EVENTS.c.action_id.in_(sa.select(_ACTIONS.c.id).where(_OF_REQUEST)),
           _EVENTS.c.event == sa.bindparam('event_name'),
           _EVENTS.c.host == sa.bindparam('event_host'), _EVENTS.c.finish_time.is_(None))
    .values(finish_time=sa.bindparam('finished_at'), result=sa.bindparam('outcome'),
            traceback=sa.bindparam('trace'), details=sa.bindparam('event_details')))
_TOUCH_ACTION = sa.update(_ACTIONS).where(_OF_REQUEST).values(
    updated_at=sa.bindparam('now'))
_TOUCH_FAILED_ACTION = _TOUCH_ACTION.values(message='Error')


def _details(traceback):
    """What Nova keeps as a failed event's ``details`` (shown from 2.84): the message of
    one of our exceptions, the class name of any other (its message may hold secrets)."""
    lines = [line for line in (traceback or '').strip().splitlines() if line.strip()]
    if not lines:
        return None
    kind, _sep, message = lines[-1].partition(': ')
    return message if kind.startswith('novalite.') and message else kind.rsplit('.', 1)[-1]


def record_event(session, instance_uuid, request_id, event, host, result=None,
                 traceback=None):
    """In the caller's transaction, record the start of ``event`` or, given a ``result``, its end.

    Events may be recorded out of order: an end whose start has not arrived
    yet records the whole event. An ``Error`` marks the action.

    :raises InstanceActionNotFound: no action of ``request_id`` on the instance.
    """
    now = utcnow()
    params = {'of_instance': instance_uuid, 'of_request': request_id, 'event_name': event,
              'event_host': host, 'now': now, 'finished_at': None, 'outcome': result,
              'trace': traceback, 'event_details': _details(traceback)}
    if result is not None:
        params['finished_at'] = now
    recorded = result is not None and session.execute(_CLOSE_EVENTS, params).rowcount
    if not recorded and not session.execute(_INSERT_EVENT, params).rowcount:
        raise exception.InstanceActionNotFound(request_id=request_id,
                                               instance_uuid=instance_uuid)
    session.execute(_TOUCH_FAILED_ACTION if result == 'Error' else _TOUCH_ACTION, params)


def actions_get(instance_uuid):
    with engine.reader() as session:
        rows = (session.query(_ACTION).filter_by(instance_uuid=instance_uuid)
                .order_by(_ACTION.start_time.desc(), _ACTION.id.desc()))
        return [row.as_dict() for row in rows]


def action_get_by_request_id(instance_uuid, request_id):
    """The action with its ``events``. :raises InstanceActionNotFound:"""
    with engine.reader() as session:
        action = _action_row(session, instance_uuid, request_id)
        events = session.query(_EVENT).filter_by(action_id=action.id).order_by(_EVENT.id)
        return dict(action.as_dict(), events=[event.as_dict() for event in events])


def fault_create(instance_uuid, code, message, details=None, host=None):
    with engine.writer() as session:
        row = _FAULT(instance_uuid=instance_uuid, code=code, message=message[:255],
                     details=details, host=host)
        session.add(row)
        session.flush()
        return row.as_dict()


def faults_get_latest(instance_uuids):
    """``{uuid: newest fault}`` for the instances that have one."""
    if not instance_uuids:
        return {}
    with engine.reader() as session:
        rows = session.execute(_FAULTS_OF, {'uuids': list(instance_uuids)}).mappings()
        # In id order, so each instance's newest fault is the one kept.
        return {row['instance_uuid']: models.json_ready(row) for row in rows}
