"""Who may do what, through Keystone tokens: every route × admin, manager, member, reader and
a member of another project, against Nova's default policy.

The server acted on belongs to project alpha. Refusals carry Nova's fault
bodies: ``forbidden`` (403) when the policy says no, ``itemNotFound`` (404)
when the server is another project's (its existence is not revealed).
"""

import pytest
import requests

pytestmark = pytest.mark.integration

PERSONAS = ('admin', 'manager', 'member', 'reader', 'other')
_LOGINS = {'admin': ('admin', 'admin'), 'manager': ('alpha-manager', 'alpha'),
           'member': ('alpha-member', 'alpha'), 'reader': ('alpha-reader', 'alpha'),
           'other': ('beta-member', 'beta')}
ALL = (200,) * 5
PROJECT_READ = (200, 200, 200, 200, 404)
PROJECT_WRITE = (200, 200, 200, 403, 404)
ADMIN_ONLY = (200, 403, 403, 403, 403)

# (method, path with {server}, body, microversion, expected codes in PERSONAS order)
MATRIX = [
    ('GET', '/servers', None, None, ALL),
    ('GET', '/servers/detail', None, None, ALL),
    ('GET', '/servers/detail?all_tenants=1', None, None, ADMIN_ONLY),
    ('GET', '/servers/{server}', None, None, PROJECT_READ),
    ('PUT', '/servers/{server}', {'server': {'name': 'renamed'}}, None, PROJECT_WRITE),
    ('GET', '/servers/{server}/ips', None, None, PROJECT_READ),
    ('GET', '/servers/{server}/os-instance-actions', None, None, PROJECT_READ),
    ('GET', '/servers/{server}/metadata', None, None, PROJECT_READ),
    ('POST', '/servers/{server}/metadata', {'metadata': {'tier': 'web'}}, None, PROJECT_WRITE),
    ('GET', '/servers/{server}/tags', None, '2.26', PROJECT_READ),
    ('PUT', '/servers/{server}/tags', {'tags': ['blue']}, '2.26', PROJECT_WRITE),
    ('GET', '/flavors/detail', None, None, ALL),
    ('POST', '/flavors', {'flavor': {'name': 'matrix-{persona}', 'ram': 64, 'vcpus': 1,
                                     'disk': 1}}, None, ADMIN_ONLY),
    ('GET', '/os-keypairs', None, None, ALL),
    ('GET', '/limits', None, None, ALL),
    ('GET', '/os-availability-zone', None, None, ALL),
    ('GET', '/os-availability-zone/detail', None, None, ADMIN_ONLY),
    ('GET', '/os-services', None, None, ADMIN_ONLY),
    ('PUT', '/os-services/enable', {'host': 'compute1', 'binary': 'nova-compute'}, None,
     ADMIN_ONLY),
    ('GET', '/os-hypervisors', None, None, ADMIN_ONLY),
    # Past the policy, an administrator learns there is no such aggregate.
    ('POST', '/os-aggregates/424242/images',
     {'cache': [{'id': 'c0ffee00-0000-4000-8000-000000000000'}]}, '2.81',
     (404, 403, 403, 403, 403)),
    ('GET', '/os-hypervisors/detail', None, None, ADMIN_ONLY),
    ('GET', '/os-hypervisors/statistics', None, None, ADMIN_ONLY),
    # Past the policy, an administrator learns there is no such hypervisor.
    ('GET', '/os-hypervisors/424242/uptime', None, None, (404, 403, 403, 403, 403)),
    ('GET', '/os-migrations', None, None, ADMIN_ONLY),
    ('GET', '/os-hosts', None, None, ADMIN_ONLY),
    ('GET', '/os-instance_usage_audit_log', None, None, ADMIN_ONLY),
    ('POST', '/servers/{server}/action', {'os-resetState': {'state': 'active'}}, None,
     (202, 403, 403, 403, 404)),
    # Allowed callers reach the state check: the server is not soft-deleted.
    ('POST', '/servers/{server}/action', {'restore': None}, None, (409, 409, 409, 403, 404)),
]
_FAULTS = {403: 'forbidden', 404: 'itemNotFound'}


@pytest.fixture(scope='module')
def tokens(keystone):
    return {persona: keystone.token(*_LOGINS[persona]) for persona in PERSONAS}


@pytest.fixture(scope='module')
def call(keystone_cloud, tokens):
    def send(persona, method, path, body=None, version=None):
        headers = {'X-Auth-Token': tokens[persona]}
        if version:
            headers['OpenStack-API-Version'] = f'compute {version}'
        return requests.request(method, f'http://127.0.0.1:{keystone_cloud.port}/v2.1{path}',
                                json=body, headers=headers, timeout=60)
    return send


def _boot(cloud, call, persona, name):
    resp = call(persona, 'POST', '/servers', {'server': {
        'name': name, 'imageRef': cloud.image_id, 'flavorRef': '1', 'networks': 'none'}},
        version='2.37')
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    cloud.wait_for(lambda: call(persona, 'GET', f'/servers/{server_id}').json()['server'][
        'status'] == 'ACTIVE', f'{name} ACTIVE')
    return server_id


@pytest.fixture(scope='module')
def server(keystone_cloud, call):
    return _boot(keystone_cloud, call, 'member', 'matrix-alpha')


def _fill(value, server, persona):
    if isinstance(value, dict):
        return {key: _fill(item, server, persona) for key, item in value.items()}
    if isinstance(value, str):
        return value.replace('{server}', server).replace('{persona}', persona)
    return value


@pytest.mark.parametrize('method, path, body, version, expected', MATRIX,
                         ids=[f'{m} {p}' for m, p, *_ in MATRIX])
def test_route_answers_each_persona_as_nova_policy_says(call, server, method, path, body,
                                                        version, expected):
    codes = {}
    for persona in PERSONAS:
        resp = call(persona, method, _fill(path, server, persona), _fill(body, server, persona),
                    version)
        codes[persona] = resp.status_code
        if resp.status_code in _FAULTS:
            assert resp.json()[_FAULTS[resp.status_code]]['code'] == resp.status_code
    assert codes == dict(zip(PERSONAS, expected, strict=True))


def test_reader_may_not_create_a_server(call):
    resp = call('reader', 'POST', '/servers', {'server': {
        'name': 'nope', 'imageRef': 'c0ffee00-0000-4000-8000-000000000000',
        'flavorRef': '1', 'networks': 'none'}}, version='2.37')
    assert resp.status_code == 403
    assert 'os_compute_api:servers:create' in resp.json()['forbidden']['message']


def test_delete_is_404_to_another_project_403_to_a_reader_and_done_for_a_member(
        keystone_cloud, call):
    server_id = _boot(keystone_cloud, call, 'member', 'matrix-doomed')
    assert call('other', 'DELETE', f'/servers/{server_id}').status_code == 404
    assert call('reader', 'DELETE', f'/servers/{server_id}').status_code == 403
    assert call('member', 'DELETE', f'/servers/{server_id}').status_code == 204


def test_other_projects_servers_are_not_listed(call, server):
    listed = [s['id'] for s in call('other', 'GET', '/servers').json()['servers']]
    assert server not in listed
    assert server in [s['id'] for s in call('reader', 'GET', '/servers').json()['servers']]


def test_request_without_a_valid_token_is_401(call, keystone_cloud):
    resp = requests.get(f'http://127.0.0.1:{keystone_cloud.port}/v2.1/servers',
                        headers={'X-Auth-Token': 'not-a-token'}, timeout=30)
    assert resp.status_code == 401
