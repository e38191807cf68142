"""The client's request bodies pass the API's own JSON schemas at microversion 2.37.

The client is written against Nova's wire format and the API validates against
schemas taken from Nova's; these tests catch the two drifting apart before an
end-to-end run does.
"""

import pytest

from novalite.api import validation
from novalite.api.schemas import flavors as flavor_schemas
from novalite.api.schemas import servers as server_schemas
from novalite.api.schemas import services as service_schemas
from novalite.cli.client import Client
from tests.unit.cli.fakes import IMAGE_ID, SERVER_ID, server

GROUP_ID = '33333333-3333-4333-8333-333333333333'
NET_ID = '44444444-4444-4444-8444-444444444444'


@pytest.mark.parametrize('kwargs', [
    {},
    {'networks': 'none', 'config_drive': True, 'user_data': b'#!/bin/sh\n',
     'metadata': {'role': 'db'}, 'availability_zone': 'nova', 'key_name': 'k'},
    {'networks': [{'uuid': NET_ID, 'fixed_ip': '10.0.0.9'}],
     'scheduler_hints': {'group': GROUP_ID, 'different_host': [SERVER_ID]}},
    {'min_count': 2, 'max_count': 3},
])
def test_server_create_body_passes_the_2_37_schema(fake_api, client, kwargs):
    fake_api.add('POST', '/servers', {'server': {'id': SERVER_ID},
                                      'reservation_id': 'r-1'}, status=202)
    fake_api.add('GET', '/servers/detail', {'servers': [server(SERVER_ID, 'web-1')]})
    client.servers.create('web', IMAGE_ID, '1', **kwargs)
    validation.validate(server_schemas.create_v237, fake_api.requests[0].body)


@pytest.mark.parametrize('method, args', [
    ('start', ()), ('stop', ()), ('reboot', ()), ('reboot', (True,)), ('pause', ()),
    ('unpause', ()), ('suspend', ()), ('resume', ()), ('console_output', ()),
    ('console_output', (20,)),
])
def test_server_action_body_passes_its_schema(fake_api, client, method, args):
    fake_api.add('POST', f'/servers/{SERVER_ID}/action', {'output': ''})
    getattr(client.servers, method)(SERVER_ID, *args)
    body = fake_api.requests[0].body
    (action,) = body
    validation.validate(server_schemas.ACTIONS[action], body)


def test_flavor_create_body_passes_the_schema(fake_api, client):
    fake_api.add('POST', '/flavors', lambda r: {'flavor': r.body['flavor']})
    client.flavors.create('m1.big', 4096, 4, 40, ephemeral=1, swap=512, is_public=False,
                          rxtx_factor=2.0)
    client.flavors.create('m1.named', 512, 1, 0, id='m1.named')
    for request in fake_api.requests:
        validation.validate(flavor_schemas.create, request.body)


def test_service_update_bodies_pass_the_schema(fake_api):
    fake_api.add('PUT', '/os-services/.*', lambda r: {'service': r.body})
    services = Client(fake_api.url, microversion='2.11').services
    services.enable('compute-1', 'nova-compute')
    services.disable('compute-1', 'nova-compute', reason='maintenance')
    for request in fake_api.requests:
        validation.validate(service_schemas.update_v211, request.body)
