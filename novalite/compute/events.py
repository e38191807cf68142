"""Instance action events recorded around each step a compute host takes."""

import contextlib
import traceback


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
