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
        row = _ACTION(instance_uuid=instance_uuid, action=action, request_id=request_id,
                      user_id=user_id, project_id=project_id)
        session.add(row)
        session.flush()
        return row.as_dict()


def actions_start(instance_uuids, action, request_id, user_id=None, project_id=None):
    """Start one action per instance in one transaction (multi-create)."""
    with engine.writer() as session:
        session.execute(sa.insert(_ACTION), [
            {'instance_uuid': uuid, 'action': action, 'request_id': request_id,
             'user_id': user_id, 'project_id': project_id, 'start_time': utcnow()}
            for uuid in instance_uuids])


def _action_row(session, instance_uuid, request_id):
    row = (session.query(_ACTION)
           .filter_by(instance_uuid=instance_uuid, request_id=request_id)
           .order_by(_ACTION.id.desc()).first())
    if row is None:
        raise exception.InstanceActionNotFound(request_id=request_id,
                                               instance_uuid=instance_uuid)
    return row


def action_finish(instance_uuid, request_id, message=None):
    with engine.writer() as session:
        row = _action_row(session, instance_uuid, request_id)
        row.finish_time = utcnow()
        if message:
            row.message = message[:255]


def event_start(instance_uuid, request_id, event, host=None):
    """Record the start of a step of an action; returns the event id."""
    with engine.writer() as session:
        action = _action_row(session, instance_uuid, request_id)
        row = _EVENT(action_id=action.id, event=event, host=host)
        session.add(row)
        action.updated_at = utcnow()
        session.flush()
        return row.id


def event_finish_named(instance_uuid, request_id, event, host, result, traceback=None):
    """Close the open ``event`` of ``host`` under the action of ``request_id``.

    Events are recorded by casts that may arrive out of order; a finish whose
    start has not arrived yet records the whole event.
    """
    with engine.writer() as session:
        action = _action_row(session, instance_uuid, request_id)
        row = (session.query(_EVENT)
               .filter_by(action_id=action.id, event=event, host=host, finish_time=None)
               .order_by(_EVENT.id.desc()).first())
        if row is None:
            row = _EVENT(action_id=action.id, event=event, host=host)
            session.add(row)
        row.finish_time, row.result, row.traceback = utcnow(), result, traceback
        action.updated_at = utcnow()
        if result == 'Error':
            action.message = 'Error'


def event_finish(event_id, result, traceback=None, details=None):
    """Close an event with ``Success`` or ``Error``; an error marks its action."""
    with engine.writer() as session:
        row = session.get(_EVENT, event_id)
        row.finish_time, row.result = utcnow(), result
        row.traceback, row.details = traceback, details
        if result == 'Error':
            action = session.get(_ACTION, row.action_id)
            action.message = 'Error'


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
