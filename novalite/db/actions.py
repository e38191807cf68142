"""Instance actions, their events, and instance faults: what happened and why."""

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models
from novalite.db.models import utcnow

_ACTION = models.InstanceAction
_EVENT = models.InstanceActionEvent
_FAULT = models.InstanceFault


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


# Built once: each build records two events, each looking its action up.
_SELECT_ACTION_ID = (
    sa.select(_ACTION.id)
    .where(_ACTION.instance_uuid == sa.bindparam('instance_uuid'),
           _ACTION.request_id == sa.bindparam('request_id'))
    .order_by(_ACTION.id.desc()).limit(1))


def _action_id(session, instance_uuid, request_id):
    action_id = session.execute(_SELECT_ACTION_ID, {'instance_uuid': instance_uuid,
                                                    'request_id': request_id}).scalar()
    if action_id is None:
        raise exception.InstanceActionNotFound(request_id=request_id,
                                               instance_uuid=instance_uuid)
    return action_id


def _action_row(session, instance_uuid, request_id):
    return session.get(_ACTION, _action_id(session, instance_uuid, request_id))


def action_finish(instance_uuid, request_id, message=None):
    with engine.writer() as session:
        row = _action_row(session, instance_uuid, request_id)
        row.finish_time = utcnow()
        if message:
            row.message = message[:255]


def _touch_action(session, action_id, now, result=None):
    values = {'updated_at': now}
    if result == 'Error':
        values['message'] = 'Error'
    session.execute(sa.update(_ACTION).where(_ACTION.id == action_id).values(**values))


def event_start(instance_uuid, request_id, event, host=None):
    """Record the start of a step of an action. :raises InstanceActionNotFound:"""
    with engine.writer() as session:
        record_event(session, instance_uuid, request_id, event, host)


def event_finish_named(instance_uuid, request_id, event, host, result, traceback=None):
    """Close the open ``event`` of ``host``. :raises InstanceActionNotFound:"""
    with engine.writer() as session:
        record_event(session, instance_uuid, request_id, event, host, result, traceback)


def record_event(session, instance_uuid, request_id, event, host, result=None,
                 traceback=None):
    """In the caller's transaction, record the start of ``event`` or, given a ``result``, its end.

    Core statements: compute hosts record two events per build, and the ORM's
    unit of work cost several times the SQL it emits. Events may be recorded
    out of order: an end whose start has not arrived yet records the whole
    event. An ``Error`` marks the action.

    :raises InstanceActionNotFound: no action of ``request_id`` on the instance.
    """
    now = utcnow()
    action_id = _action_id(session, instance_uuid, request_id)
    if result is None:
        session.execute(sa.insert(_EVENT).values(action_id=action_id, event=event, host=host,
                                                 start_time=now))
    else:
        _close_event(session, action_id, event, host, now,
                     {'finish_time': now, 'result': result, 'traceback': traceback})
    _touch_action(session, action_id, now, result)


def _close_event(session, action_id, event, host, now, finished):
    open_event = session.execute(
        sa.select(_EVENT.id)
        .where(_EVENT.action_id == action_id, _EVENT.event == event, _EVENT.host == host,
               _EVENT.finish_time.is_(None))
        .order_by(_EVENT.id.desc()).limit(1)).scalar()
    if open_event is None:
        session.execute(sa.insert(_EVENT).values(action_id=action_id, event=event, host=host,
                                                 start_time=now, **finished))
    else:
        session.execute(sa.update(_EVENT).where(_EVENT.id == open_event).values(**finished))


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
        newest = (sa.select(sa.func.max(_FAULT.id))
                  .where(_FAULT.instance_uuid.in_(instance_uuids))
                  .group_by(_FAULT.instance_uuid))
        rows = session.execute(sa.select(_FAULT).where(_FAULT.id.in_(newest))).scalars()
        return {row.instance_uuid: row.as_dict() for row in rows}
