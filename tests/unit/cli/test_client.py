"""The Python client against a fake Compute API: wire format, paging, lookups, errors."""

import base64
import socket
import time

import pytest

from novalite.cli.client import (
    API_MAX_VERSION,
    Client,
    ClientError,
    CommunicationError,
    NotFound,
    NoUniqueMatch,
    negotiate,
)
from tests.unit.cli.fakes import IMAGE_ID, SERVER2_ID, SERVER_ID, server


def _page_link(fake_api, marker):
    href = f'http://public.example:8774/v2.1/servers/detail?limit=1&marker={marker}'
    return [{'rel': 'next', 'href': href}]


def test_every_request_carries_token_and_microversion_headers(fake_api):
    fake_api.add('GET', '/servers/detail', {'servers': []})
    Client(fake_api.url, token='alice:demo', microversion='2.40').servers.list()
    headers = fake_api.requests[0].headers
    assert headers['x-auth-token'] == 'alice:demo'
    assert headers['openstack-api-version'] == 'compute 2.40'
    assert headers['accept'] == 'application/json'


def test_invalid_microversion_is_refused():
    with pytest.raises(ValueError):
        Client('http://127.0.0.1:1/v2.1', microversion='newest')


def test_server_list_follows_next_links_against_own_endpoint(fake_api, client):
    pages = [
        {'servers': [server(SERVER_ID, 'a')], 'servers_links': _page_link(fake_api, 'm1')},
        {'servers': [server(SERVER2_ID, 'b')], 'servers_links': _page_link(fake_api, 'm2')},
        {'servers': [server('3', 'c')]},
    ]
    fake_api.add('GET', '/servers/detail', pages)
    names = [s['name'] for s in client.servers.list(status='ACTIVE')]
    assert names == ['a', 'b', 'c']
    sent = fake_api.requests_to('GET', '/servers/detail')
    assert [r.param('marker') for r in sent] == [None, 'm1', 'm2']
    assert sent[0].param('status') == 'ACTIVE'


def test_pagination_stops_when_a_next_link_repeats(fake_api, client):
    fake_api.add('GET', '/servers/detail', {
        'servers': [server(SERVER_ID, 'a')], 'servers_links': _page_link(fake_api, 'same')})
    assert len(client.servers.list()) == 2
    assert len(fake_api.requests) == 2


def test_list_filters_drop_unset_values(fake_api, client):
    fake_api.add('GET', '/servers/detail', {'servers': []})
    client.servers.list(host='compute-1', name=None, all_tenants=True)
    assert fake_api.requests[0].query == {'host': ['compute-1'], 'all_tenants': ['True']}


def test_nova_fault_body_becomes_not_found_with_status_and_message(fake_api, client):
    fake_api.fault('GET', '/servers/x', 404, 'Instance x could not be found.',
                   kind='itemNotFound')
    with pytest.raises(NotFound) as raised:
        client.servers.get('x')
    assert raised.value.status == 404
    assert raised.value.message == 'Instance x could not be found.'


def test_error_string_carries_status_and_request_id(fake_api, client):
    fake_api.add('DELETE', '/flavors/1', {'forbidden': {'code': 403, 'message': 'Nope.'}},
                 status=403, headers={'x-openstack-request-id': 'req-123'})
    with pytest.raises(ClientError) as raised:
        client.flavors.delete('1')
    assert str(raised.value) == 'Nope. (HTTP 403) (Request-ID: req-123)'


def test_placement_style_error_body_gives_its_detail(fake_api, client):
    fake_api.add('GET', '/os-services', {'errors': [{'status': 406, 'title': 'Not Acceptable',
                                                     'detail': 'Version 9.9 unsupported'}]},
                 status=406)
    with pytest.raises(ClientError, match='Version 9.9 unsupported'):
        client.services.list()


def test_plain_text_error_body_is_collapsed_to_one_line(fake_api, client):
    fake_api.add('GET', '/os-services', '<html><h1>502</h1>\nBad gateway\n</html>',
                 status=502)
    with pytest.raises(ClientError) as raised:
        client.services.list()
    assert raised.value.message == '502 Bad gateway'


def test_non_json_success_body_is_an_error(fake_api, client):
    fake_api.add('GET', '/os-services', 'hello')
    with pytest.raises(ClientError, match='not JSON'):
        client.services.list()


def test_connection_refused_raises_communication_error():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    url = f'http://127.0.0.1:{port}/v2.1'
    with pytest.raises(CommunicationError) as raised:
        Client(url).servers.list()
    assert str(raised.value) == f'cannot reach the compute API at {url}: connection refused'


def test_slow_response_raises_communication_error(fake_api):
    fake_api.add('GET', '/os-services', lambda r: time.sleep(0.5) or {'services': []})
    with pytest.raises(CommunicationError, match='no response within 0.1 seconds'):
        Client(fake_api.url, timeout=0.1).services.list()


def test_create_one_server_sends_nova_request_body(fake_api, client):
    fake_api.add('POST', '/servers', {'server': {'id': SERVER_ID, 'adminPass': 'pw'}},
                 status=202)
    created = client.servers.create(
        'web', IMAGE_ID, '1', availability_zone='nova:compute-1', metadata={'k': 'v'},
        user_data='#!/bin/sh\n', key_name='mykey', config_drive=True,
        scheduler_hints={'group': 'g1'})
    assert created == {'id': SERVER_ID, 'adminPass': 'pw'}
    body = fake_api.requests[0].body
    assert body['os:scheduler_hints'] == {'group': 'g1'}
    sent = body['server']
    assert sent == {
        'name': 'web', 'imageRef': IMAGE_ID, 'flavorRef': '1',
        'availability_zone': 'nova:compute-1', 'metadata': {'k': 'v'},
        'key_name': 'mykey', 'config_drive': True, 'networks': 'auto',
        'user_data': base64.b64encode(b'#!/bin/sh\n').decode(),
    }


def test_create_several_servers_returns_them_by_reservation_id(fake_api, client):
    fake_api.add('POST', '/servers', {'reservation_id': 'r-abc'}, status=202)
    fake_api.add('GET', '/servers/detail', {'servers': [
        server(SERVER2_ID, 'web-2', 'BUILD', **{'OS-EXT-SRV-ATTR:launch_index': 1}),
        server(SERVER_ID, 'web-1', 'BUILD', **{'OS-EXT-SRV-ATTR:launch_index': 0}),
    ]})
    created = client.servers.create('web', IMAGE_ID, '1', min_count=2, max_count=3)
    assert [s['name'] for s in created] == ['web-1', 'web-2']
    sent = fake_api.requests[0].body['server']
    assert (sent['min_count'], sent['max_count'], sent['return_reservation_id']) == (2, 3, True)
    assert fake_api.requests[1].param('reservation_id') == 'r-abc'


def test_create_below_2_37_leaves_out_auto_networks(fake_api):
    fake_api.add('POST', '/servers', {'server': {'id': SERVER_ID}}, status=202)
    Client(fake_api.url, microversion='2.36').servers.create('web', IMAGE_ID, '1')
    assert 'networks' not in fake_api.requests[0].body['server']


def test_server_name_resolves_to_its_id(fake_api, client):
    fake_api.add('GET', '/servers', {'servers': [
        {'id': SERVER_ID, 'name': 'web'}, {'id': SERVER2_ID, 'name': 'web-2'}]})
    assert client.servers.resolve_id('web') == SERVER_ID
    assert fake_api.requests[0].param('name') == 'web'


def test_ambiguous_server_name_is_refused(fake_api, client):
    fake_api.add('GET', '/servers', {'servers': [
        {'id': SERVER_ID, 'name': 'web'}, {'id': SERVER2_ID, 'name': 'web'}]})
    with pytest.raises(NoUniqueMatch, match="Multiple servers match 'web'"):
        client.servers.resolve_id('web')


def test_unknown_server_name_is_not_found(fake_api, client):
    fake_api.add('GET', '/servers', {'servers': []})
    with pytest.raises(NotFound, match="No server with a name or ID of 'nope' exists."):
        client.servers.resolve('nope')


def test_server_uuid_is_fetched_directly(fake_api, client):
    fake_api.add('GET', f'/servers/{SERVER_ID}', {'server': server(SERVER_ID, 'web')})
    assert client.servers.resolve(SERVER_ID)['name'] == 'web'
    assert [r.path for r in fake_api.requests] == [f'/servers/{SERVER_ID}']


def test_flavor_name_resolves_after_id_lookup_misses(fake_api, client):
    fake_api.add('GET', '/flavors/detail', {'flavors': [
        {'id': '1', 'name': 'm1.tiny'}, {'id': '2', 'name': 'm1.small'}]})
    assert client.flavors.resolve_id('m1.small') == '2'
    assert fake_api.requests[0].path == '/flavors/m1.small'
    assert fake_api.requests[1].param('is_public') == 'None'


@pytest.mark.parametrize('method, args, body', [
    ('start', (), {'os-start': None}),
    ('stop', (), {'os-stop': None}),
    ('reboot', (), {'reboot': {'type': 'SOFT'}}),
    ('reboot', (True,), {'reboot': {'type': 'HARD'}}),
    ('pause', (), {'pause': None}),
    ('unpause', (), {'unpause': None}),
    ('suspend', (), {'suspend': None}),
    ('resume', (), {'resume': None}),
])
def test_power_actions_post_nova_action_bodies(fake_api, client, method, args, body):
    fake_api.add('POST', f'/servers/{SERVER_ID}/action', None, status=202)
    getattr(client.servers, method)(SERVER_ID, *args)
    assert fake_api.requests[0].body == body


def test_console_output_asks_for_length_lines(fake_api, client):
    fake_api.add('POST', f'/servers/{SERVER_ID}/action', {'output': 'login:'})
    assert client.servers.console_output(SERVER_ID, 10) == 'login:'
    assert fake_api.requests[0].body == {'os-getConsoleOutput': {'length': 10}}


def test_instance_actions_are_read_from_os_instance_actions(fake_api, client):
    fake_api.add('GET', f'/servers/{SERVER_ID}/os-instance-actions',
                 {'instanceActions': [{'action': 'create', 'request_id': 'req-1'}]})
    fake_api.add('GET', f'/servers/{SERVER_ID}/os-instance-actions/req-1',
                 {'instanceAction': {'action': 'create', 'events': []}})
    assert client.servers.actions(SERVER_ID)[0]['request_id'] == 'req-1'
    assert client.servers.action(SERVER_ID, 'req-1')['events'] == []


def test_flavor_create_sends_nova_flavor_body(fake_api, client):
    fake_api.add('POST', '/flavors', lambda r: {'flavor': r.body['flavor']})
    client.flavors.create('m1.big', 4096, 4, 40, ephemeral=10, swap=512, is_public=False)
    assert fake_api.requests[0].body == {'flavor': {
        'name': 'm1.big', 'ram': 4096, 'vcpus': 4, 'disk': 40, 'id': None,
        'OS-FLV-EXT-DATA:ephemeral': 10, 'swap': 512, 'os-flavor-access:is_public': False}}


def test_service_enable_and_disable_use_host_and_binary_before_2_53(fake_api, client):
    fake_api.add('PUT', '/os-services/.*', lambda r: {'service': r.body})
    client.services.enable('compute-1', 'nova-compute')
    client.services.disable('compute-1', 'nova-compute')
    client.services.disable('compute-1', 'nova-compute', reason='maintenance')
    assert [r.path for r in fake_api.requests] == [
        '/os-services/enable', '/os-services/disable', '/os-services/disable-log-reason']
    assert fake_api.requests[2].body == {'host': 'compute-1', 'binary': 'nova-compute',
                                         'disabled_reason': 'maintenance'}


def test_service_disable_from_2_53_puts_status_on_the_service_id(fake_api):
    fake_api.add('GET', '/os-services', {'services': [
        {'id': 'svc-uuid', 'host': 'compute-1', 'binary': 'nova-compute'}]})
    fake_api.add('PUT', '/os-services/svc-uuid', lambda r: {'service': r.body})
    Client(fake_api.url, microversion='2.53').services.disable('compute-1', 'nova-compute',
                                                               reason='rack swap')
    assert fake_api.requests[1].body == {'status': 'disabled', 'disabled_reason': 'rack swap'}


def test_image_proxy_calls_are_capped_at_microversion_2_35(fake_api, client):
    fake_api.add('GET', '/images/detail', {'images': [{'id': IMAGE_ID, 'name': 'cirros'}]})
    client.images.list()
    assert fake_api.requests[0].headers['openstack-api-version'] == 'compute 2.35'


def test_hypervisor_hostname_resolves_to_its_details(fake_api, client):
    fake_api.add('GET', '/os-hypervisors', {'hypervisors': [
        {'id': 1, 'hypervisor_hostname': 'compute-1'}]})
    fake_api.add('GET', '/os-hypervisors/1', {'hypervisor': {
        'id': 1, 'hypervisor_hostname': 'compute-1', 'vcpus': 8}})
    assert client.hypervisors.resolve('compute-1')['vcpus'] == 8


def test_versions_are_read_from_the_endpoint_root(fake_api, client):
    fake_api.add('GET', '/', {'versions': [{'id': 'v2.1', 'version': '2.90'}]})
    assert client.versions.list()[0]['version'] == '2.90'
    assert fake_api.requests[0].path == '/'


def _versions(newest, oldest='2.1'):
    return {'versions': [{'id': 'v2.0', 'version': '', 'min_version': ''},
                         {'id': 'v2.1', 'version': newest, 'min_version': oldest}]}


@pytest.mark.parametrize('server_max, chosen', [('2.60', '2.60'), ('2.99', API_MAX_VERSION)])
def test_2_latest_asks_the_newest_version_both_sides_support(fake_api, server_max, chosen):
    fake_api.add('GET', '/', _versions(server_max))
    fake_api.add('GET', '/flavors', {'flavors': []})
    client = Client(fake_api.url, microversion='2.latest', timeout=5)
    client.get('/flavors')
    client.get('/flavors')
    assert [r.path for r in fake_api.requests] == ['/', '/flavors', '/flavors']
    assert fake_api.requests[-1].headers['openstack-api-version'] == f'compute {chosen}'
    assert client.microversion == chosen and client.supports(chosen)


def test_a_named_microversion_reads_no_version_document(fake_api):
    fake_api.add('GET', '/flavors', {'flavors': []})
    Client(fake_api.url, microversion='2.50', timeout=5).get('/flavors')
    assert [r.path for r in fake_api.requests] == ['/flavors']


def test_2_latest_against_a_server_older_than_the_client_s_oldest_fails_clearly():
    with pytest.raises(ValueError, match='do not overlap'):
        negotiate(_versions('2.5', '2.1')['versions'], client_min='2.10')


def test_2_latest_without_microversions_on_the_server_fails_naming_the_option(fake_api):
    fake_api.add('GET', '/', {'versions': [{'id': 'v2.0', 'version': ''}]})
    with pytest.raises(ClientError, match='--os-compute-api-version'):
        Client(fake_api.url, microversion='2.latest', timeout=5).get('/flavors')


def _newest(fake_api):
    return Client(fake_api.url, microversion=API_MAX_VERSION, timeout=5)


def _sent_version(fake_api):
    return fake_api.requests[-1].headers['openstack-api-version']


def test_a_generated_key_pair_is_asked_at_2_91_the_last_that_generates(fake_api):
    fake_api.add('POST', '/os-keypairs', {'keypair': {'name': 'k', 'private_key': 'p'}})
    _newest(fake_api).keypairs.create('k')
    assert _sent_version(fake_api) == 'compute 2.91'
    _newest(fake_api).keypairs.create('k', public_key='ssh-ed25519 AAAA')
    assert _sent_version(fake_api) == f'compute {API_MAX_VERSION}'


def test_hypervisor_statistics_and_uptime_are_asked_at_2_87_the_last_with_the_routes(
        fake_api):
    fake_api.add('GET', '/os-hypervisors/statistics', {'hypervisor_statistics': {}})
    fake_api.add('GET', '/os-hypervisors/h1/uptime', {'hypervisor': {'uptime': 'up'}})
    client = _newest(fake_api)
    client.hypervisors.statistics()
    assert _sent_version(fake_api) == 'compute 2.87'
    client.hypervisors.uptime('h1')
    assert _sent_version(fake_api) == 'compute 2.87'


def test_a_rebuild_not_asked_to_re_image_is_sent_at_2_92_at_most(fake_api):
    fake_api.add('POST', f'/servers/{SERVER_ID}/action', {'server': {'id': SERVER_ID}})
    client = _newest(fake_api)
    client.servers.rebuild(SERVER_ID, IMAGE_ID)
    assert _sent_version(fake_api) == 'compute 2.92'
    client.servers.rebuild(SERVER_ID, IMAGE_ID, reimage_boot_volume=True)
    assert _sent_version(fake_api) == 'compute 2.93'
    Client(fake_api.url, microversion='2.37', timeout=5).servers.rebuild(SERVER_ID, IMAGE_ID)
    assert _sent_version(fake_api) == 'compute 2.37'
