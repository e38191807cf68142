"""The ``novalite`` command line against a fake Compute API: tables, waits, exit codes."""

import logging
import re
import socket

import pytest

from novalite.cli import shell
from tests.unit.cli.fakes import (
    IMAGE_ID,
    SERVER2_ID,
    SERVER_ID,
    parse_properties,
    parse_table,
    server,
)

FAST = ('--poll-interval', '0.01')


def _flavors(fake_api):
    fake_api.add('GET', '/flavors/1', {'flavor': {'id': '1', 'name': 'm1.tiny'}})
    fake_api.add('GET', '/flavors/detail', {'flavors': [
        {'id': '1', 'name': 'm1.tiny', 'ram': 512, 'disk': 1, 'vcpus': 1, 'swap': '',
         'OS-FLV-EXT-DATA:ephemeral': 0, 'rxtx_factor': 1.0,
         'os-flavor-access:is_public': True, 'links': []}]})


def _images(fake_api):
    fake_api.add('GET', f'/images/{IMAGE_ID}', {'image': {'id': IMAGE_ID, 'name': 'cirros'}})
    fake_api.add('GET', '/images', {'images': [{'id': IMAGE_ID, 'name': 'cirros'}]})


def _boot_one(fake_api, states):
    """Booting ``web`` works; successive GETs of it return ``states`` in turn."""
    _flavors(fake_api)
    _images(fake_api)
    fake_api.add('POST', '/servers', {'server': {'id': SERVER_ID, 'adminPass': 'secret'}},
                 status=202)
    fake_api.add('GET', f'/servers/{SERVER_ID}', [{'server': s} for s in states])


# --- list and show ---------------------------------------------------------------

def test_list_prints_novaclient_columns_plus_host(fake_api, run):
    fake_api.add('GET', '/servers/detail', {'servers': [
        server(SERVER_ID, 'web-1', addresses={
            'private': [{'addr': '10.0.0.3'}, {'addr': 'fd00::3'}],
            'public': [{'addr': '172.24.4.9'}]}),
        server(SERVER2_ID, 'web-2', 'BUILD', task_state='spawning', power_state=0, host=None),
    ]})
    status, out, err = run('list')
    assert (status, err) == (0, '')
    rows = parse_table(out)
    assert list(rows[0]) == ['ID', 'Name', 'Status', 'Task State', 'Power State',
                             'Networks', 'Host']
    assert rows[0] == {'ID': SERVER_ID, 'Name': 'web-1', 'Status': 'ACTIVE',
                       'Task State': '-', 'Power State': 'Running',
                       'Networks': 'private=10.0.0.3, fd00::3; public=172.24.4.9',
                       'Host': 'compute-1'}
    assert rows[1]['Task State'] == 'spawning'
    assert rows[1]['Power State'] == 'NOSTATE'
    assert rows[1]['Host'] == '-'


def test_list_follows_pagination_for_every_row(fake_api, run):
    fake_api.add('GET', '/servers/detail', [
        {'servers': [server(SERVER_ID, 'a')], 'servers_links': [
            {'rel': 'next', 'href': 'http://elsewhere/v2.1/servers/detail?marker=m'}]},
        {'servers': [server(SERVER2_ID, 'b')]}])
    status, out, _ = run('list')
    assert [r['Name'] for r in parse_table(out)] == ['a', 'b']


def test_list_filters_are_sent_as_query_and_all_tenants_adds_tenant_column(fake_api, run):
    fake_api.add('GET', '/servers/detail', {'servers': [server(SERVER_ID, 'web')]})
    status, out, _ = run('list', '--all-tenants', '--status', 'ERROR', '--host', 'c1',
                         '--name', 'web')
    assert status == 0
    assert fake_api.api_requests()[0].query == {
        'all_tenants': ['1'], 'status': ['ERROR'], 'host': ['c1'], 'name': ['web']}
    assert parse_table(out)[0]['Tenant ID'] == 'demo'


def test_show_prints_properties_with_fault_networks_and_names(fake_api, run):
    _flavors(fake_api)
    _images(fake_api)
    fault = {'code': 500, 'message': 'No valid host was found.', 'created': '2024-01-01'}
    fake_api.add('GET', f'/servers/{SERVER_ID}', {'server': server(
        SERVER_ID, 'web', 'ERROR', power_state=0, fault=fault)})
    status, out, _ = run('show', SERVER_ID)
    assert status == 0
    props = parse_properties(out)
    assert props['status'] == 'ERROR'
    assert props['flavor'] == 'm1.tiny (1)'
    assert props['image'] == f'cirros ({IMAGE_ID})'
    assert props['private network'] == '10.0.0.3'
    assert props['security_groups'] == 'default'
    assert 'No valid host was found.' in props['fault']
    assert 'links' not in props and 'addresses' not in props


def test_show_finds_a_server_by_name(fake_api, run):
    fake_api.add('GET', '/servers', {'servers': [{'id': SERVER_ID, 'name': 'web'}]})
    fake_api.add('GET', f'/servers/{SERVER_ID}', {'server': server(SERVER_ID, 'web')})
    status, out, _ = run('show', 'web')
    assert status == 0
    assert parse_properties(out)['id'] == SERVER_ID


def test_show_ambiguous_name_is_a_one_line_error(fake_api, run):
    fake_api.add('GET', '/servers', {'servers': [
        {'id': SERVER_ID, 'name': 'web'}, {'id': SERVER2_ID, 'name': 'web'}]})
    status, out, err = run('show', 'web')
    assert status == 1
    assert err == "ERROR: Multiple servers match 'web'; use an ID to be more specific.\n"


# --- boot ----------------------------------------------------------------------

def test_boot_resolves_names_and_prints_the_new_server(fake_api, run, tmp_path):
    user_data = tmp_path / 'cloud-init'
    user_data.write_text('#cloud-config\n')
    _boot_one(fake_api, [server(SERVER_ID, 'web', 'BUILD', task_state='scheduling')])
    status, out, err = run('boot', 'web', '--flavor', 'm1.tiny', '--image', 'cirros',
                           '--meta', 'role=db', '--meta', 'tier=1', '--hint', 'group=g',
                           '--hint', 'different_host=a', '--hint', 'different_host=b',
                           '--nic', 'none', '--config-drive', 'true',
                           '--user-data', str(user_data), '--key-name', 'k')
    assert (status, err) == (0, '')
    props = parse_properties(out)
    assert props['adminPass'] == 'secret'
    assert props['status'] == 'BUILD'
    body = fake_api.requests_to('POST', '/servers')[0].body
    assert body['server']['flavorRef'] == '1'
    assert body['server']['imageRef'] == IMAGE_ID
    assert body['server']['metadata'] == {'role': 'db', 'tier': '1'}
    assert body['server']['networks'] == 'none'
    assert body['server']['config_drive'] is True
    assert body['os:scheduler_hints'] == {'group': 'g', 'different_host': ['a', 'b']}


def test_boot_wait_prints_a_line_per_status_change_and_exits_zero(fake_api, run):
    _boot_one(fake_api, [
        server(SERVER_ID, 'web', 'BUILD', task_state='scheduling'),
        server(SERVER_ID, 'web', 'BUILD', task_state='spawning'),
        server(SERVER_ID, 'web', 'BUILD', task_state='spawning'),
        server(SERVER_ID, 'web', 'ACTIVE'),
    ])
    status, out, err = run('boot', 'web', '--flavor', '1', '--image', IMAGE_ID,
                           '--wait', *FAST)
    assert status == 0
    lines = err.splitlines()
    assert [line.rsplit(' ', 1)[0] for line in lines] == [
        'server web: BUILD (scheduling)', 'server web: BUILD (spawning)', 'server web: ACTIVE']
    assert all(line.endswith('s') for line in lines)
    assert parse_properties(out)['status'] == 'ACTIVE'


def test_boot_wait_exits_one_with_the_fault_when_the_server_errors(fake_api, run):
    fault = {'code': 500, 'message': 'No valid host was found. There are not enough hosts.'}
    _boot_one(fake_api, [server(SERVER_ID, 'web', 'BUILD', task_state='scheduling'),
                         server(SERVER_ID, 'web', 'ERROR', fault=fault)])
    status, out, err = run('boot', 'web', '--flavor', '1', '--image', IMAGE_ID,
                           '--wait', *FAST)
    assert status == 1
    assert (f'ERROR: server web ({SERVER_ID}) is in ERROR: No valid host was found. '
            'There are not enough hosts.') in err.splitlines()
    assert parse_properties(out)['status'] == 'ERROR'


def test_boot_wait_for_several_servers_waits_for_each(fake_api, run):
    _flavors(fake_api)
    fake_api.add('POST', '/servers', {'reservation_id': 'r-1'}, status=202)
    fake_api.add('GET', '/servers/detail', {'servers': [
        server(SERVER_ID, 'web-1', 'BUILD'), server(SERVER2_ID, 'web-2', 'BUILD')]})
    fake_api.add('GET', f'/servers/{SERVER_ID}', [{'server': server(SERVER_ID, 'web-1')}])
    fake_api.add('GET', f'/servers/{SERVER2_ID}', [
        {'server': server(SERVER2_ID, 'web-2', 'BUILD', task_state='spawning')},
        {'server': server(SERVER2_ID, 'web-2')}])
    status, out, err = run('boot', 'web', '--flavor', '1', '--image', IMAGE_ID,
                           '--min-count', '2', '--max-count', '2', '--wait', *FAST)
    assert status == 0
    assert [(r['Name'], r['Status']) for r in parse_table(out)] == [
        ('web-1', 'ACTIVE'), ('web-2', 'ACTIVE')]
    assert any(line.startswith('server web-2: BUILD (spawning)') for line in err.splitlines())


def test_boot_wait_timeout_exits_one_naming_the_unsettled_server(fake_api, run):
    _boot_one(fake_api, [server(SERVER_ID, 'web', 'BUILD', task_state='spawning')])
    status, _, err = run('boot', 'web', '--flavor', '1', '--image', IMAGE_ID, '--wait',
                         *FAST, '--wait-timeout', '0.05')
    assert status == 1
    assert err.splitlines()[-1] == ('ERROR: timed out after 0.05s waiting for server web '
                                    '(BUILD (spawning))')


def test_boot_with_min_count_above_max_count_is_a_usage_error(run):
    status, _, err = run('boot', 'web', '--flavor', '1', '--image', 'i',
                         '--min-count', '3', '--max-count', '2')
    assert status == 2
    assert err.startswith('ERROR: novalite boot: --min-count must not be more than')


def test_boot_unreadable_user_data_is_a_one_line_error(fake_api, run, tmp_path):
    _flavors(fake_api)
    status, _, err = run('boot', 'web', '--flavor', '1', '--image', IMAGE_ID,
                         '--user-data', str(tmp_path / 'missing'))
    assert status == 1
    assert err.startswith('ERROR: cannot read user data file')
    assert not fake_api.requests_to('POST', '/servers')


@pytest.mark.parametrize('argv, complaint', [
    (('boot', 'web', '--image', 'i'), 'the following arguments are required: --flavor'),
    (('boot', 'web', '--flavor', 'f', '--image', 'i', '--meta', 'novalue'),
     "'novalue' is not KEY=VALUE"),
    (('boot', 'web', '--flavor', 'f', '--image', 'i', '--nic', 'bogus'), "'bogus' is not auto"),
    (('boot', 'web', '--flavor', 'f', '--image', 'i', '--max-count', '0'), 'must be 1 or more'),
    (('boot', 'web', '--flavor', 'f', '--image', 'i', '--config-drive', 'maybe'),
     'is not a boolean'),
    (('flavor-create', 'm1', 'auto', 'lots', '1', '1'), "'lots' is not an integer"),
    (('reboot',), 'the following arguments are required: SERVER'),
])
def test_usage_errors_are_one_line_and_exit_two(run, argv, complaint):
    status, out, err = run(*argv)
    assert status == 2
    assert out == ''
    assert err.startswith('ERROR: novalite ')
    assert complaint in err
    assert err.count('\n') == 1


# --- delete and actions --------------------------------------------------------

def test_delete_goes_on_past_a_failure_and_exits_one(fake_api, run):
    fake_api.add('GET', '/servers', {'servers': [{'id': SERVER_ID, 'name': 'web'}]})
    fake_api.add('DELETE', f'/servers/{SERVER_ID}', None, status=204)
    status, out, err = run('delete', 'nope', 'web')
    assert status == 1
    assert out == 'Request to delete server web has been accepted.\n'
    assert err == ("ERROR: delete for server nope failed: No server with a name or ID of "
                   "'nope' exists.\n")


def test_delete_wait_polls_until_the_server_is_gone(fake_api, run):
    fake_api.add('GET', f'/servers/{SERVER_ID}', [
        {'server': server(SERVER_ID, 'web')},
        {'server': server(SERVER_ID, 'web', task_state='deleting')},
        (404, {'itemNotFound': {'code': 404, 'message': 'gone'}})])
    fake_api.add('DELETE', f'/servers/{SERVER_ID}', None, status=204)
    status, _, err = run('delete', SERVER_ID, '--wait', *FAST)
    assert status == 0
    assert [line.rsplit(' ', 1)[0] for line in err.splitlines()] == [
        'server web: ACTIVE (deleting)', 'server web: deleted']


def test_reboot_hard_posts_a_hard_reboot(fake_api, run):
    fake_api.add('GET', f'/servers/{SERVER_ID}', {'server': server(SERVER_ID, 'web')})
    fake_api.add('POST', f'/servers/{SERVER_ID}/action', None, status=202)
    status, out, _ = run('reboot', '--hard', SERVER_ID)
    assert status == 0
    assert out == f'Request to reboot server {SERVER_ID} has been accepted.\n'
    assert fake_api.requests_to('POST', '.*/action')[0].body == {'reboot': {'type': 'HARD'}}


def test_stop_conflict_reports_the_api_message(fake_api, run):
    fake_api.add('GET', f'/servers/{SERVER_ID}', {'server': server(SERVER_ID, 'web')})
    fake_api.fault('POST', f'/servers/{SERVER_ID}/action', 409,
                   "Cannot 'stop' instance while it is in vm_state stopped",
                   kind='conflictingRequest')
    status, _, err = run('stop', SERVER_ID)
    assert status == 1
    assert err == (f"ERROR: stop for server {SERVER_ID} failed: Cannot 'stop' instance "
                   "while it is in vm_state stopped (HTTP 409)\n")


def test_console_log_prints_the_output(fake_api, run):
    fake_api.add('GET', f'/servers/{SERVER_ID}', {'server': server(SERVER_ID, 'web')})
    fake_api.add('POST', f'/servers/{SERVER_ID}/action', {'output': 'boot\nlogin:'})
    status, out, _ = run('console-log', SERVER_ID, '--length', '2')
    assert (status, out) == (0, 'boot\nlogin:\n')
    assert fake_api.requests[-1].body == {'os-getConsoleOutput': {'length': 2}}


def test_instance_action_list_is_sorted_oldest_first(fake_api, run):
    fake_api.add('GET', f'/servers/{SERVER_ID}/os-instance-actions', {'instanceActions': [
        {'action': 'stop', 'request_id': 'req-2', 'message': None,
         'start_time': '2024-01-02T00:00:00'},
        {'action': 'create', 'request_id': 'req-1', 'message': None,
         'start_time': '2024-01-01T00:00:00'}]})
    status, out, _ = run('instance-action-list', SERVER_ID)
    rows = parse_table(out)
    assert list(rows[0]) == ['Action', 'Request_ID', 'Message', 'Start_Time']
    assert [r['Action'] for r in rows] == ['create', 'stop']


def test_instance_action_shows_events(fake_api, run):
    fake_api.add('GET', f'/servers/{SERVER_ID}/os-instance-actions/req-1', {
        'instanceAction': {'action': 'create', 'request_id': 'req-1',
                           'events': [{'event': 'compute__do_build_and_run_instance',
                                       'result': 'Success'}]}})
    status, out, _ = run('instance-action', SERVER_ID, 'req-1')
    assert 'compute__do_build_and_run_instance' in parse_properties(out)['events']


# --- flavors, services, hypervisors, images, versions --------------------------

def test_flavor_list_prints_novaclient_columns(fake_api, run):
    _flavors(fake_api)
    status, out, _ = run('flavor-list')
    assert parse_table(out) == [{
        'ID': '1', 'Name': 'm1.tiny', 'Memory_MiB': '512', 'Disk': '1', 'Ephemeral': '0',
        'Swap': '', 'VCPUs': '1', 'RXTX_Factor': '1.0', 'Is_Public': 'True'}]


def test_flavor_create_takes_name_id_ram_disk_vcpus_in_order(fake_api, run):
    fake_api.add('POST', '/flavors', lambda r: {'flavor': dict(r.body['flavor'], id='gen')})
    status, out, _ = run('flavor-create', 'm1.big', 'auto', '4096', '40', '4',
                         '--swap', '512', '--is-public', 'false')
    assert status == 0
    sent = fake_api.api_requests()[0].body['flavor']
    assert (sent['id'], sent['ram'], sent['disk'], sent['vcpus']) == (None, 4096, 40, 4)
    assert (sent['swap'], sent['os-flavor-access:is_public']) == (512, False)
    assert parse_table(out)[0]['ID'] == 'gen'


def test_flavor_delete_by_name(fake_api, run):
    _flavors(fake_api)
    fake_api.add('DELETE', '/flavors/1', None, status=202)
    status, out, _ = run('flavor-delete', 'm1.tiny')
    assert status == 0
    assert fake_api.requests_to('DELETE', '/flavors/1')


def test_service_list_prints_services(fake_api, run):
    fake_api.add('GET', '/os-services', {'services': [
        {'id': 3, 'binary': 'nova-compute', 'host': 'compute-1', 'zone': 'nova',
         'status': 'disabled', 'state': 'up', 'updated_at': '2024-01-01T00:00:00',
         'disabled_reason': 'maintenance', 'forced_down': False}]})
    status, out, _ = run('service-list', '--binary', 'nova-compute')
    row = parse_table(out)[0]
    assert (row['Id'], row['Status'], row['State']) == ('3', 'disabled', 'up')
    assert row['Disabled Reason'] == 'maintenance'
    assert row['Forced down'] == 'False'
    assert fake_api.api_requests()[0].param('binary') == 'nova-compute'


def test_service_disable_with_reason_prints_it(fake_api, run):
    fake_api.add('PUT', '/os-services/disable-log-reason',
                 lambda r: {'service': dict(r.body, status='disabled')})
    status, out, _ = run('service-disable', 'compute-1', 'nova-compute', '--reason', 'rma')
    assert parse_table(out) == [{'Host': 'compute-1', 'Binary': 'nova-compute',
                                 'Status': 'disabled', 'Disabled Reason': 'rma'}]


def test_service_delete_sends_delete(fake_api, run):
    fake_api.add('DELETE', '/os-services/7', None, status=204)
    assert run('service-delete', '7')[0] == 0
    assert fake_api.api_requests()[0].method == 'DELETE'


def test_hypervisor_list_show_and_stats(fake_api, run):
    hypervisor = {'id': 1, 'hypervisor_hostname': 'compute-1', 'state': 'up',
                  'status': 'enabled', 'vcpus': 8,
                  'service': {'host': 'compute-1', 'id': 3, 'disabled_reason': None}}
    fake_api.add('GET', '/os-hypervisors', {'hypervisors': [
        {k: hypervisor[k] for k in ('id', 'hypervisor_hostname', 'state', 'status')}]})
    fake_api.add('GET', '/os-hypervisors/1', {'hypervisor': hypervisor})
    fake_api.add('GET', '/os-hypervisors/statistics', {'hypervisor_statistics': {
        'count': 1, 'vcpus': 8, 'vcpus_used': 2}})
    _, out, _ = run('hypervisor-list')
    assert parse_table(out) == [{'ID': '1', 'Hypervisor hostname': 'compute-1',
                                 'State': 'up', 'Status': 'enabled'}]
    _, out, _ = run('hypervisor-show', 'compute-1')
    props = parse_properties(out)
    assert (props['vcpus'], props['service_host']) == ('8', 'compute-1')
    _, out, _ = run('hypervisor-stats')
    assert parse_properties(out)['vcpus_used'] == '2'


def test_image_list_prints_images(fake_api, run):
    fake_api.add('GET', '/images/detail', {'images': [
        {'id': IMAGE_ID, 'name': 'cirros', 'status': 'ACTIVE', 'metadata': {}}]})
    _, out, _ = run('image-list')
    assert parse_table(out) == [{'ID': IMAGE_ID, 'Name': 'cirros', 'Status': 'ACTIVE',
                                 'Server': ''}]


def test_version_list_prints_the_microversion_range(fake_api, run):
    fake_api.add('GET', '/', {'versions': [
        {'id': 'v2.1', 'status': 'CURRENT', 'updated': '2013-07-23T11:33:21Z',
         'min_version': '2.1', 'version': '2.60'}]})
    _, out, _ = run('version-list')
    assert parse_table(out)[0]['Min Version'] == '2.1'
    assert parse_table(out)[0]['Version'] == '2.60'


# --- errors, options, help ----------------------------------------------------

def test_api_404_is_one_error_line_and_exit_one(fake_api, run):
    fake_api.fault('GET', f'/servers/{SERVER_ID}', 404,
                   f'Instance {SERVER_ID} could not be found.', kind='itemNotFound')
    fake_api.add('GET', '/servers', {'servers': []})
    status, out, err = run('show', SERVER_ID)
    assert (status, out) == (1, '')
    assert err == f"ERROR: No server with a name or ID of '{SERVER_ID}' exists.\n"


def test_api_403_shows_the_fault_message_and_status(fake_api, run):
    fake_api.fault('GET', '/os-services', 403, 'Policy does not allow os_compute_api:'
                   'os-services:list to be performed.', kind='forbidden')
    status, _, err = run('service-list')
    assert status == 1
    assert err == ('ERROR: Policy does not allow os_compute_api:os-services:list to be '
                   'performed. (HTTP 403)\n')


def test_connection_refused_is_one_error_line_and_exit_one(capsys):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    url = f'http://127.0.0.1:{port}/v2.1'
    status = shell.main(['--os-compute-url', url, 'list'])
    _, err = capsys.readouterr()
    assert status == 1
    assert err == f'ERROR: cannot reach the compute API at {url}: connection refused\n'


def test_debug_logs_requests_and_shows_the_traceback(fake_api, run):
    fake_api.fault('GET', '/os-services', 500, 'boom', kind='computeFault')
    status, _, err = run('--debug', 'service-list')
    assert status == 1
    assert 'REQ: GET' in err
    assert 'Traceback' in err
    assert err.splitlines()[-1] == 'ERROR: boom (HTTP 500)'


def test_url_token_and_microversion_come_from_the_environment(fake_api, capsys,
                                                              monkeypatch):
    monkeypatch.setenv('NOVALITE_URL', fake_api.url)
    monkeypatch.setenv('NOVALITE_TOKEN', 'bob:proj')
    monkeypatch.setenv('NOVALITE_COMPUTE_API_VERSION', '2.40')
    fake_api.add('GET', '/os-services', {'services': []})
    assert shell.main(['service-list']) == 0
    headers = fake_api.api_requests()[0].headers
    assert (headers['x-auth-token'], headers['openstack-api-version']) == (
        'bob:proj', 'compute 2.40')


def test_the_default_microversion_is_the_newest_the_server_and_client_share(fake_api, run):
    fake_api.add('GET', '/os-services', {'services': []})
    assert run('service-list')[0] == 0
    [versions, services] = fake_api.requests
    assert versions.path == '/'
    assert services.headers['openstack-api-version'] == 'compute 2.37'


@pytest.mark.parametrize('spelling', ['2.latest', 'latest'])
def test_2_latest_may_be_asked_for_by_name(fake_api, run, spelling):
    fake_api.add('GET', '/os-services', {'services': []})
    assert run('--os-compute-api-version', spelling, 'service-list')[0] == 0
    assert fake_api.api_requests()[0].headers['openstack-api-version'] == 'compute 2.37'


def test_a_server_without_a_version_document_is_one_error_naming_the_option(fake_api, run):
    fake_api.add('GET', '/', {'itemNotFound': {'code': 404, 'message': 'no'}}, status=404)
    status, _, err = run('service-list')
    assert status == 1
    last = err.splitlines()[-1]
    assert last.startswith('ERROR: no version document at ') and \
        '--os-compute-api-version' in last


def test_unknown_command_is_a_usage_error(run):
    status, _, err = run('bogus')
    assert status == 2
    assert err == "ERROR: novalite: unknown command 'bogus' (see 'novalite --help')\n"


def test_no_command_is_a_usage_error(run):
    status, _, err = run()
    assert status == 2
    assert err.startswith('ERROR: novalite: no command given')


def test_bad_microversion_is_a_usage_error(run):
    status, _, err = run('--os-compute-api-version', 'newest', 'list')
    assert status == 2
    assert "invalid microversion 'newest'" in err


def test_help_lists_every_command_and_exits_zero(run):
    status, out, _ = run('--help')
    assert status == 0
    for command in ('boot', 'list', 'show', 'delete', 'console-log', 'instance-action-list',
                    'flavor-create', 'service-disable', 'hypervisor-stats', 'image-list',
                    'version-list'):
        assert re.search(rf'^    {command}\b', out, re.MULTILINE)


def test_help_command_shows_a_commands_options(run):
    status, out, _ = run('help', 'boot')
    assert status == 0
    assert '--availability-zone AZ' in out and '--wait' in out


def test_debug_logging_ends_with_the_command(fake_api, run):
    run('--debug', 'service-list')
    assert logging.getLogger('novalite.cli').handlers == []
