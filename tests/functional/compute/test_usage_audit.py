"""A compute host's usage audit: once per period, through the conductor."""

import datetime

from novalite import context
from novalite.compute import usage_audit
from novalite.db import task_log
from tests.functional.compute.test_manager import (  # noqa: F401  (fixtures)
    _build,
    _instance,
    compute,
    ctx,
)


def test_the_audit_records_the_hosts_servers_of_the_last_period_once(
        compute, ctx, conf, monkeypatch):  # noqa: F811
    conf.set_override('instance_usage_audit', True)
    conf.set_override('instance_usage_audit_period', 'hour')
    now = datetime.datetime.utcnow()
    _instance(ctx, vm_state='active', task_state=None,
              launched_at=now - datetime.timedelta(hours=3))
    for _run in range(2):
        compute._instance_usage_audit(context.get_admin_context())
    begin, end = usage_audit.last_completed_audit_period('hour')
    [run] = task_log.task_logs(task_log.USAGE_AUDIT, begin, end)
    assert (run['host'], run['state'], run['task_items']) == (compute.host, 'DONE', 1)


def test_no_audit_unless_configured(compute, ctx):  # noqa: F811
    compute._instance_usage_audit(context.get_admin_context())
    assert task_log.task_logs(task_log.USAGE_AUDIT,
                              *usage_audit.last_completed_audit_period()) == []
