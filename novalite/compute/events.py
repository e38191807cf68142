"""What a compute host records of its steps: action events around them, faults of failures."""

import contextlib
import traceback

from novalite import exception


def started(event, host):
    """The ``action_event`` of a state change that begins ``event``."""
    return {'event': event, 'host': host}


def succeeded(event, host):
    """The ``action_event`` of the state change that ends ``event`` well."""
    return {'event': event, 'host': host, 'result': 'Success'}


@contextlib.contextmanager
def error_event(conductor, context, instance_uuid, event, host):
    """End ``event`` as ``Error``, with the traceback, if the body raises; a cast.

    For steps whose start and success ride on their state changes
    (:func:`started`, :func:`succeeded`). The exception propagates.
    """
    try:
        yield
    except Exception:
        conductor.action_event_finish(context, instance_uuid, context.request_id, event, host,
                                      'Error', traceback.format_exc())
        raise


@contextlib.contextmanager
def action_event(conductor, context, instance_uuid, event, host):
    """Record ``event`` under the action of ``context.request_id``.

    The event ends ``Success`` or, if the body raises, ``Error`` with the
    traceback; the exception propagates. The start is a call, so that the
    end, a cast the step does not wait for, never overtakes it. Steps
    without an action (host recovery at start) are not recorded by the
    conductor.
    """
    request_id = context.request_id
    conductor.action_event_start(context, instance_uuid, request_id, event, host)
    with error_event(conductor, context, instance_uuid, event, host):
        yield
    conductor.action_event_finish(context, instance_uuid, request_id, event, host, 'Success')


def record_fault(conductor, context, instance_uuid, exc, host):
    """Record ``exc`` as the instance's fault; False if the instance is gone.

    The fault says what the user can act on: a novalite exception's message
    and code, any other's text with 500, and the exception's class.
    """
    if isinstance(exc, exception.NovaliteException):
        message = exc.format_message()
    else:
        message = str(exc)
    try:
        conductor.instance_fault_create(context, instance_uuid, getattr(exc, 'code', 500),
                                        message or type(exc).__name__, type(exc).__name__,
                                        host)
    except exception.InstanceNotFound:
        return False
    return True
