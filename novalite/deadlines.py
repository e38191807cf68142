"""How long an instance may stay in a task_state, and whether it has overstayed.

The reapers of the conductor and of compute hosts ask this module; the
limits are ``[DEFAULT] task_state_deadlines``.
"""

import datetime

from oslo_utils import timeutils

from novalite.conf import CONF


def deadline(task_state, conf=CONF):
    """Seconds ``task_state`` may last."""
    limits = conf.task_state_deadlines
    return int(limits.get(task_state, limits.get('default', 900)))


def seconds_in_state(instance, now=None):
    """Seconds since the instance last changed (its task_state, among others)."""
    changed = instance.get('updated_at') or instance.get('created_at')
    if isinstance(changed, str):
        changed = datetime.datetime.fromisoformat(changed)
    changed = changed.replace(tzinfo=None)
    return ((now or timeutils.utcnow()) - changed).total_seconds()


def expired(instance, now=None, conf=CONF):
    """True if the instance's task_state has lasted past its deadline."""
    task_state = instance.get('task_state')
    return task_state is not None and \
        seconds_in_state(instance, now) > deadline(task_state, conf)


def timed_out_message(instance, conf=CONF):
    """What the fault of a step that timed out says."""
    task_state = instance['task_state']
    return (f"Task state {task_state} timed out: the step did not finish within "
            f"{deadline(task_state, conf)} s ([DEFAULT] task_state_deadlines)")
