"""os-simple-tenant-usage: hours billed within a period, per project and per server."""

import datetime

import pytest

from tests.functional.api.conftest import make_instance

pytestmark = pytest.mark.usefixtures('beyond_max')

_T0 = datetime.datetime(2026, 1, 1, 0, 0, 0)


def _at(hours):
    return (_T0 + datetime.timedelta(hours=hours)).isoformat()


@pytest.fixture
def history(db):
    """demo: one server up hours 0-10 (still running), one up 2-4; other: one up 5-..."""
    running = make_instance(display_name='web', launched_at=_at(0))
    make_instance(display_name='gone', launched_at=_at(2), terminated_at=_at(4),
                  vm_state='deleted')
    make_instance(project_id='other', user_id='other', launched_at=_at(5))
    make_instance(display_name='never-launched')
    return running


def _period(start, end):
    return f'start={_at(start)}&end={_at(end)}'


def test_show_sums_the_hours_of_the_project_servers_in_the_period(api, history):
    usage = api.get(f'/os-simple-tenant-usage/demo?{_period(1, 6)}').json['tenant_usage']
    assert usage['tenant_id'] == 'demo'
    assert usage['total_hours'] == pytest.approx(5 + 2)
    assert usage['total_vcpus_usage'] == pytest.approx(7)
    assert usage['total_memory_mb_usage'] == pytest.approx(7 * 512)
    assert usage['total_local_gb_usage'] == pytest.approx(7)
    assert usage['start'] == _at(1) and usage['stop'] == _at(6)
    by_name = {server['name']: server for server in usage['server_usages']}
    assert set(by_name) == {'web', 'gone'}
    assert by_name['gone']['state'] == 'terminated' and by_name['gone']['uptime'] == 7200
    assert by_name['gone']['ended_at'] == _at(4)
    assert by_name['web']['instance_id'] == history['uuid']
    assert by_name['web']['flavor'] == 'm1.tiny' and by_name['web']['state'] == 'active'


def test_show_of_a_period_without_servers_is_empty(api, history):
    assert api.get('/os-simple-tenant-usage/demo?start=2020-01-01T00:00:00&'
                   'end=2020-01-02T00:00:00').json == {'tenant_usage': {}}


def test_index_lists_every_project_for_admins_only(api, admin, history):
    usages = admin.get(f'/os-simple-tenant-usage?{_period(0, 10)}').json['tenant_usages']
    hours = {usage['tenant_id']: usage['total_hours'] for usage in usages}
    assert hours == pytest.approx({'demo': 12, 'other': 5})
    assert 'server_usages' not in usages[0]
    detailed = admin.get(f'/os-simple-tenant-usage?{_period(0, 10)}&detailed=1').json
    assert len(detailed['tenant_usages'][0]['server_usages']) == 2
    assert api.get('/os-simple-tenant-usage').status_int == 403


def test_a_member_may_not_show_another_project(api, history):
    assert api.get('/os-simple-tenant-usage/other').status_int == 403


def test_2_40_pages_servers_with_a_next_link(admin, history):
    admin = admin.at('2.40')
    first = admin.get(f'/os-simple-tenant-usage?{_period(0, 10)}&limit=1').json
    assert first['tenant_usages'][0]['total_hours'] == pytest.approx(10)
    href = first['tenant_usages_links'][0]['href']
    assert f"marker={history['uuid']}" in href
    rest = admin.get(f"/os-simple-tenant-usage?{_period(0, 10)}&marker={history['uuid']}").json
    assert sum(usage['total_hours'] for usage in rest['tenant_usages']) == pytest.approx(7)


@pytest.mark.parametrize('query, message', [
    ('start=2026-01-02T00:00:00&end=2026-01-01T00:00:00',
     'Invalid start time. The start time cannot occur after the end time.'),
    ('start=yesterday', 'Invalid datetime string: yesterday'),
])
def test_bad_periods_are_bad_requests(api, history, query, message):
    resp = api.get(f'/os-simple-tenant-usage/demo?{query}')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == message


@pytest.mark.parametrize('version, query', [('2.40', 'limit=x'), ('2.40', 'marker=nope'),
                                            ('2.75', 'colour=red')])
def test_bad_paging_and_unknown_parameters_are_bad_requests(admin, history, version, query):
    assert admin.at(version).get(f'/os-simple-tenant-usage?{query}').status_int == 400
