"""``os-instance_usage_audit_log``: how the compute hosts' usage audits went (admins).

The index reports the last completed audit period, the show the last one
completed before ``{before_timestamp}`` (``YYYY-MM-DD HH:MM:SS[.ffffff]``).
Every compute service counts, disabled ones included (their servers still
run); one with no run recorded for the period is in ``hosts_not_run``.
"""

import datetime

from novalite import exception
from novalite.api import policy, wsgi
from novalite.api.policies import instance_usage_audit_log as rules
from novalite.compute import api as compute_api
from novalite.compute import usage_audit
from novalite.db import services as db_services
from novalite.db import task_log

_FORMATS = ('%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S')


def _report(before=None):
    begin, end = usage_audit.last_completed_audit_period(before=before)
    runs = task_log.task_logs(task_log.USAGE_AUDIT, begin, end)
    hosts = {service['host'] for service in db_services.service_get_all(
        binary=compute_api.COMPUTE_BINARY)}
    done = {run['host'] for run in runs if run['state'] == 'DONE'}
    running = {run['host'] for run in runs if run['state'] == 'RUNNING'}
    not_run = sorted(hosts - {run['host'] for run in runs})
    errors = sum(run['errors'] or 0 for run in runs)
    done_text = 'ALL' if len(done) == len(hosts) else f'{len(done)} of {len(hosts)}'
    return {
        'period_beginning': str(begin), 'period_ending': str(end),
        'num_hosts': len(hosts), 'num_hosts_done': len(done),
        'num_hosts_running': len(running), 'num_hosts_not_run': len(not_run),
        'hosts_not_run': not_run,
        'total_instances': sum(run['task_items'] or 0 for run in runs),
        'total_errors': errors,
        'overall_status': f'{done_text} hosts done. {errors} errors.',
        'log': {run['host']: {'state': run['state'], 'instances': run['task_items'],
                              'errors': run['errors'], 'message': run['message']}
                for run in runs},
    }


@policy.require(rules.LIST)
def index(req):
    return wsgi.json_response({'instance_usage_audit_logs': _report()})


@policy.require(rules.SHOW)
def show(req, before_timestamp):
    form = _FORMATS[0] if '.' in before_timestamp else _FORMATS[1]
    try:
        before = datetime.datetime.strptime(before_timestamp, form)
    except ValueError:
        raise exception.Invalid(f"Invalid timestamp for date {before_timestamp}") from None
    return wsgi.json_response({'instance_usage_audit_log': _report(before)})
