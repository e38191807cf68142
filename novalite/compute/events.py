"""Instance action events recorded around each step a compute host takes."""

import contextlib
import traceback


@contextlib.contextmanager
def action_event(conductor, context, instance_uuid, event, host):
    """Record ``event`` under the action of ``context.request_id``.

    The event ends ``Success`` or, if the body raises, ``Error`` with the
    traceback; the exception propagates. Both records are casts: the step
    never waits for its own bookkeeping. Steps without an action (host
    recovery at start) are not recorded by the conductor.
    """
    request_id = context.request_id
    conductor.action_event_start(context, instance_uuid, request_id, event, host)
    try:
        yield
    except Exception:
        conductor.action_event_finish(context, instance_uuid, request_id, event, host, 'Error',
                                      traceback.format_exc())
        raise
    conductor.action_event_finish(context, instance_uuid, request_id, event, host, 'Success')
