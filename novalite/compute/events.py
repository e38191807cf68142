"""Instance action events recorded around each step a compute host takes."""

import contextlib
import traceback

from oslo_log import log as logging

from novalite import exception

LOG = logging.getLogger(__name__)


@contextlib.contextmanager
def action_event(conductor, context, instance_uuid, event, host):
    """Record ``event`` under the action of ``context.request_id``.

    The event ends ``Success`` or, if the body raises, ``Error`` with the
    traceback; the exception propagates. Steps without an action (host
    recovery at start) run unrecorded.
    """
    try:
        event_id = conductor.action_event_start(context, instance_uuid, context.request_id,
                                                event, host)
    except exception.InstanceActionNotFound:
        event_id = None
    try:
        yield
    except Exception:
        if event_id is not None:
            conductor.action_event_finish(context, event_id, 'Error', traceback.format_exc())
        raise
    if event_id is not None:
        conductor.action_event_finish(context, event_id, 'Success')
