"""Rules of the instance usage audit log (administrators')."""

from novalite.api.policies import base

LIST = 'os_compute_api:os-instance-usage-audit-log:list'
SHOW = 'os_compute_api:os-instance-usage-audit-log:show'

rules = [
    base.rule(LIST, base.ADMIN, "List all usage audits.", 'GET /os-instance_usage_audit_log'),
    base.rule(SHOW, base.ADMIN, "List all usage audits occurred before a specified time for "
              "all servers on all compute hosts where usage auditing is configured",
              'GET /os-instance_usage_audit_log/{before_timestamp}'),
]
