"""What ``novalite host-drain`` shows: each server's share done, the drain's, and the ETA."""

import io

from novalite.cli import drain_progress


def _server(status, total=None, remaining=None, **extra):
    return dict({'server_id': status, 'status': status, 'memory_total_bytes': total,
                 'memory_remaining_bytes': remaining}, **extra)


def _drain(*servers, status='running'):
    counts = {}
    for server in servers:
        counts[server['status']] = counts.get(server['status'], 0) + 1
    return {'host': 'h1', 'status': status, 'servers': list(servers), 'counts': counts}


def test_a_running_server_is_as_far_as_its_bytes_copied():
    assert drain_progress.server_fraction(_server('running', 400, 100)) == 0.75


def test_queued_servers_are_at_zero_and_ended_ones_at_one():
    assert drain_progress.server_fraction(_server('queued')) == 0.0
    assert drain_progress.server_fraction(_server('failed')) == 1.0


def test_a_running_server_without_totals_yet_is_at_zero():
    assert drain_progress.server_fraction(_server('running')) == 0.0


def test_skipped_servers_do_not_count_toward_the_drain():
    drain = _drain(_server('completed'), _server('queued'), _server('skipped'))
    assert drain_progress.drain_fraction(drain) == 0.5


def test_eta_extrapolates_the_pace_so_far():
    drain = _drain(_server('completed'), _server('queued'))
    assert drain_progress.eta_seconds(drain, elapsed=30) == 30


def test_no_eta_before_anything_moved():
    assert drain_progress.eta_seconds(_drain(_server('queued')), elapsed=5) is None


def test_a_log_gets_one_line_per_status_change_and_a_summary():
    out = io.StringIO()
    reporter = drain_progress.DrainReporter({'running': 'web-1'}, stream=out,
                                            clock=iter([0, 10, 20]).__next__)
    reporter.report(_drain(_server('running', 100, 50, dest_compute='h2')))
    reporter.report(_drain(_server('running', 100, 25, dest_compute='h2')))
    lines = out.getvalue().splitlines()
    assert lines[0].startswith('web-1') and '50%' in lines[0] and '-> h2' in lines[0]
    assert 'ETA 10s' in lines[1]
    assert len(lines) == 2
