"""``os-instance_usage_audit_log``: the compute hosts' usage audits of a period."""

import datetime

import pytest

from novalite.compute import usage_audit
from novalite.db import services as db_services
from novalite.db import task_log
from tests.functional.api.conftest import make_instance

_JUNE = (datetime.datetime(2026, 6, 1), datetime.datetime(2026, 7, 1))


@pytest.fixture
def hosts(compute_host):
    """host1 (from the fixture) audited June with one server; host2 never ran the audit."""
    db_services.service_get_or_create('host2', 'novalite-compute', 'compute')
    db_services.service_get_or_create('ctl', 'novalite-conductor', 'conductor')
    make_instance(launched_at=datetime.datetime(2026, 5, 20))
    make_instance(launched_at=datetime.datetime(2026, 7, 2))
    make_instance(launched_at=datetime.datetime(2026, 5, 1),
                  terminated_at=datetime.datetime(2026, 5, 2))
    assert task_log.audit_host('host1', *_JUNE) == 1


def test_show_reports_the_period_before_the_timestamp(admin, hosts):
    resp = admin.get('/os-instance_usage_audit_log/2026-07-15 10:00:00')
    assert resp.status_int == 200
    report = resp.json['instance_usage_audit_log']
    assert report['period_beginning'] == '2026-06-01 00:00:00'
    assert report['period_ending'] == '2026-07-01 00:00:00'
    assert (report['num_hosts'], report['num_hosts_done'], report['num_hosts_running'],
            report['num_hosts_not_run']) == (2, 1, 0, 1)
    assert report['hosts_not_run'] == ['host2']
    assert (report['total_instances'], report['total_errors']) == (1, 0)
    assert report['overall_status'] == '1 of 2 hosts done. 0 errors.'
    log = report['log']['host1']
    assert (log['state'], log['instances'], log['errors']) == ('DONE', 1, 0)
    assert log['message'].startswith('Instance usage audit ran for host host1, 1 instances in ')


def test_a_second_audit_of_the_period_is_not_recorded(hosts):
    assert task_log.audit_host('host1', *_JUNE) is None
    assert len(task_log.task_logs(task_log.USAGE_AUDIT, *_JUNE)) == 1


def test_microseconds_are_accepted_and_other_periods_have_no_runs(admin, hosts):
    resp = admin.get('/os-instance_usage_audit_log/2026-08-02 00:00:00.5')
    report = resp.json['instance_usage_audit_log']
    assert report['period_beginning'] == '2026-07-01 00:00:00'
    assert (report['num_hosts_done'], report['log']) == (0, {})
    assert report['overall_status'] == '0 of 2 hosts done. 0 errors.'


def test_index_reports_the_last_completed_period(admin, hosts, monkeypatch):
    monkeypatch.setattr(usage_audit.timeutils, 'utcnow',
                        lambda: datetime.datetime(2026, 7, 9, 8))
    report = admin.get('/os-instance_usage_audit_log').json['instance_usage_audit_logs']
    assert report['period_ending'] == '2026-07-01 00:00:00'
    assert report['num_hosts_done'] == 1


def test_all_hosts_done_reads_all(admin, hosts):
    task_log.audit_host('host2', *_JUNE)
    report = admin.get('/os-instance_usage_audit_log/2026-07-15 10:00:00').json[
        'instance_usage_audit_log']
    assert report['overall_status'] == 'ALL hosts done. 0 errors.'


def test_a_bad_timestamp_is_a_400(admin, hosts):
    resp = admin.get('/os-instance_usage_audit_log/yesterday')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Invalid timestamp for date yesterday'


def test_members_may_not_read_the_audit_log(api, hosts):
    assert api.get('/os-instance_usage_audit_log').status_int == 403
    assert api.get('/os-instance_usage_audit_log/2026-07-15 10:00:00').status_int == 403


@pytest.mark.parametrize('unit, now, expected', [
    ('month', datetime.datetime(2026, 1, 15), ('2025-12-01', '2026-01-01')),
    ('month', datetime.datetime(2026, 3, 1), ('2026-01-01', '2026-02-01')),
    ('month@15', datetime.datetime(2026, 3, 20), ('2026-02-15', '2026-03-15')),
    ('day', datetime.datetime(2026, 3, 1, 5), ('2026-02-28', '2026-03-01')),
    ('year', datetime.datetime(2026, 5, 1), ('2025-01-01', '2026-01-01')),
    ('hour', datetime.datetime(2026, 3, 1, 5, 30), ('2026-03-01 04', '2026-03-01 05')),
])
def test_audit_periods_are_novas(unit, now, expected):
    begin, end = usage_audit.last_completed_audit_period(unit, before=now)
    assert (str(begin).startswith(expected[0]), str(end).startswith(expected[1])) == \
        (True, True)
