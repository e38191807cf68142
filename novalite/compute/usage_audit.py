"""The instance usage audit: audit periods, and a compute host's run of the audit.

With ``[DEFAULT] instance_usage_audit`` on, each compute host asks the
conductor once per period to audit the servers that ran on it in the last
completed period (``instance_usage_audit_period``: ``hour``, ``day``,
``month`` or ``year``, optionally ``@offset``, as in Nova). The runs are what
``GET /os-instance_usage_audit_log`` reports.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

from novalite.conf import CONF

LOG = logging.getLogger(__name__)

UNITS = ('hour', 'day', 'month', 'year')


def _months_back(moment, months, day):
    month_index = moment.year * 12 + moment.month - 1 - months
    return datetime.datetime(month_index // 12, month_index % 12 + 1, day)


def last_completed_audit_period(unit=None, before=None):
    """``(begin, end)`` of the last period of ``unit`` that ended before ``before`` (now).

    :param unit: ``hour``, ``day``, ``month`` or ``year``, with ``@N`` the
        minute, hour, day of the month or month the periods start at.
    :raises ValueError: an unknown unit.
    """
    unit, _sep, offset = (unit or CONF.instance_usage_audit_period).partition('@')
    offset = int(offset or 0)
    now = before or timeutils.utcnow()
    if unit not in UNITS:
        raise ValueError('Time period must be hour, day, month or year')
    if unit == 'hour':
        end = now.replace(minute=offset, second=0, microsecond=0)
        end = end - datetime.timedelta(hours=1) if end >= now else end
        return end - datetime.timedelta(hours=1), end
    if unit == 'day':
        end = datetime.datetime(now.year, now.month, now.day, offset)
        end = end - datetime.timedelta(days=1) if end >= now else end
        return end - datetime.timedelta(days=1), end
    if unit == 'month':
        day = offset or 1
        end = datetime.datetime(now.year, now.month, day)
        end = _months_back(now, 1, day) if end >= now else end
        return _months_back(end, 1, day), end
    month = offset or 1
    end = datetime.datetime(now.year, month, 1)
    end = datetime.datetime(now.year - 1, month, 1) if end >= now else end
    return datetime.datetime(end.year - 1, month, 1), end


def run(conductor, context, host):
    """Have the conductor audit ``host``'s last completed period (once per period)."""
    begin, end = last_completed_audit_period()
    audited = conductor.instance_usage_audit(context, host, begin, end)
    if audited is not None:
        LOG.info("Instance usage audit of host %s from %s to %s: %d instances",
                 host, begin, end, audited)
