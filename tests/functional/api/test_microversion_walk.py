"""The microversion walk: every change of Nova's version history from 2.38, shown.

Each step sends the same request at the version before the change and at
the change's version and shows the difference (``2.47``: the server's
flavor becomes the flavor itself). The steps from 2.38 to 2.59 are here,
those from 2.60 in ``walk/test_walk_from_2_60.py`` and
``walk/test_walk_from_2_80.py``, the action families other modules own in
the rest of ``walk/``.
:func:`test_every_advertised_version_is_walked` then checks that novalite
claims no version whose steps are missing: each version up to
``MAX_VERSION`` has a step here or in ``walk/``, or is in ``NOT_HERE``, a change to a part of
Nova novalite does not have (nova-network proxies, cells, Neutron ports),
which is then checked to answer as Nova answers a missing resource.
"""

import base64

import pytest

from novalite.api import microversion, routes, server_actions
from novalite.compute import rpcapi as compute_rpcapi
from novalite.db import aggregates as db_aggregates
from novalite.db import networks as db_networks
from tests.functional.api.conftest import boot_body, make_instance
from tests.functional.api.walk.steps import (
    action_with_event,
    helper_versions,
    live_migration,
    server_path,
    step,
    step_id,
    walker,
)

STEPS = []

# Changes to parts of Nova novalite does not have: nothing to walk but that
# they are absent. {version: (what, path or action, how to reach it)}.
NOT_HERE = {
    '2.44': 'addFixedIp/removeFixedIp/addFloatingIp/removeFloatingIp and '
            'os-virtual-interfaces (nova-network proxies): no such action or resource',
    '2.69': 'minimal server views from down cells: novalite has one cell',
    '2.72': 'Neutron ports with a resource request: novalite has no Neutron',
    '2.76': 'power-update event: os-server-external-events (see OWNED)',
    '2.82': 'accelerator-request-bound event: no Cyborg; os-server-external-events '
            '(see OWNED)',
}

# Actions and routes other modules build, and the versions of theirs: while
# the action or route does not exist it answers "There is no such action" or
# 404 at every version, which Nova's later behaviour does not contradict;
# once it exists, its owner's module in walk/ must walk the version.
OWNED = [
    ('2.45', 'snapshot', ['createImage', 'createBackup']),
    ('2.51', 'volumes', ['/os-server-external-events']),
    ('2.54', 'rebuild', ['rebuild']),
    ('2.57', 'rebuild', ['rebuild']),
    ('2.63', 'rebuild', ['rebuild']),
    ('2.73', 'rescue', ['lock']),
    ('2.75', 'rebuild', ['rebuild']),
    ('2.76', 'volumes', ['/os-server-external-events']),
    ('2.77', 'snapshot', ['unshelve']),
    ('2.82', 'volumes', ['/os-server-external-events']),
    ('2.87', 'rescue', ['rescue']),
    ('2.90', 'rebuild', ['rebuild']),
    ('2.91', 'snapshot', ['unshelve']),
    ('2.93', 'rebuild', ['rebuild']),
    ('2.94', 'rebuild', ['rebuild']),
    ('2.95', 'rebuild', ['evacuate']),
]


def _built(names):
    paths = {path for path, _methods in routes.ROUTES}
    return [name for name in names if name in server_actions.ACTIONS or name in paths]


@pytest.fixture
def w(api, admin, conf, flavor, image, compute_host, monkeypatch):
    return walker(api, admin, conf, flavor, image, compute_host, monkeypatch)



@step(STEPS, '2.38', 'an unknown status filter is a bad request')
def _invalid_status(w):
    assert w.api.at('2.37').get('/servers?status=bogus').json == {'servers': []}
    assert w.api.at('2.38').get('/servers?status=bogus').status_int == 400


@step(STEPS, '2.39', 'limits no longer show maxImageMeta')
def _image_meta_limit(w):
    assert 'maxImageMeta' in w.api.at('2.38').get('/limits').json['limits']['absolute']
    assert 'maxImageMeta' not in w.api.at('2.39').get('/limits').json['limits']['absolute']


@step(STEPS, '2.40', 'simple tenant usage pages with limit and marker')
def _usage_paging(w):
    make_instance(launched_at='2026-01-01T01:00:00')
    query = '/os-simple-tenant-usage/demo?start=2026-01-01T00:00:00&end=2026-01-02T00:00:00'
    before = w.api.at('2.39').get(query + '&limit=1')
    assert before.status_int == 200 and 'tenant_usage_links' not in before.json
    after = w.api.at('2.40').get(query + '&limit=1').json
    assert len(after['tenant_usage']['server_usages']) == 1
    assert 'marker=' in after['tenant_usage_links'][0]['href']


@step(STEPS, '2.41', 'aggregates show their uuid')
def _aggregate_uuid(w):
    agg = db_aggregates.aggregate_create('agg1', None)
    path = f"/os-aggregates/{agg['id']}"
    assert 'uuid' not in w.admin.at('2.40').get(path).json['aggregate']
    assert w.admin.at('2.41').get(path).json['aggregate']['uuid'] == agg['uuid']


@step(STEPS, '2.42', 'networks at create take a device tag again')
def _network_tag(w):
    network = db_networks.network_ensure(w.conf)
    body = boot_body(w.image, networks=[{'uuid': network['uuid'], 'tag': 'nic1'}])
    assert w.api.at('2.41').post('/servers', body).status_int == 400
    resp = w.api.at('2.42').post('/servers', body)
    assert resp.status_int == 202, resp.json


@step(STEPS, '2.43', 'os-hosts is gone')
def _os_hosts(w):
    if any(path == '/os-hosts' for path, _methods in routes.ROUTES):
        assert w.admin.at('2.42').get('/os-hosts').status_int == 200
    assert w.admin.at('2.43').get('/os-hosts').status_int == 404


@step(STEPS, '2.46', 'responses carry X-OpenStack-Request-ID as well')
def _request_id_header(w):
    for version in ('2.45', '2.46'):
        headers = w.api.at(version).get('/flavors').headers
        assert headers['X-OpenStack-Request-ID'] == headers['X-Compute-Request-ID']


@step(STEPS, '2.47', 'the server view embeds the flavor instead of linking it')
def _embedded_flavor(w):
    before = w.api.at('2.46').get(server_path(w)).json['server']['flavor']
    assert before['id'] == '1' and before['links']
    after = w.admin.at('2.47').get(server_path(w)).json['server']['flavor']
    assert after == {'original_name': 'm1.tiny', 'vcpus': 1, 'ram': 512, 'disk': 1,
                     'ephemeral': 0, 'swap': 0, 'extra_specs': {}}


@step(STEPS, '2.49', 'volume attachments take a device tag')
def _volume_tag(w):
    body = {'volumeAttachment': {'volumeId': '4a7c4e22-1f3c-4c6b-9fd3-5b5e5f7b7a01',
                                 'tag': 'disk1'}}
    path = server_path(w) + '/os-volume_attachments'
    assert w.api.at('2.48').post(path, body).status_int == 400
    # Past the schema: the volume is looked up (no volume API here).
    assert w.api.at('2.49').post(path, body).status_int != 400


@step(STEPS, '2.50', 'quota classes show the server group quotas')
def _quota_class_groups(w):
    path = '/os-quota-class-sets/default'
    assert 'server_groups' not in w.admin.at('2.49').get(path).json['quota_class_set']
    after = w.admin.at('2.50').get(path).json['quota_class_set']
    assert {'server_groups', 'server_group_members'} <= set(after)
    assert 'floating_ips' not in after


@step(STEPS, '2.51', 'action events shown to every reader, tracebacks to admins')
def _events_for_all(w):
    path = action_with_event(w)
    assert 'events' not in w.api.at('2.50').get(path).json['instanceAction']
    [event] = w.api.at('2.51').get(path).json['instanceAction']['events']
    assert event['event'] == 'compute_stop_instance' and 'traceback' not in event
    [event] = w.admin.at('2.51').get(path).json['instanceAction']['events']
    assert event['traceback'] == 'Traceback: boom'


@step(STEPS, '2.52', 'tags at create')
def _create_tags(w):
    body = boot_body(w.image, networks='none', tags=['blue'])
    assert w.api.at('2.51').post('/servers', body).status_int == 400
    server_id = w.api.at('2.52').post('/servers', body).json['server']['id']
    assert w.api.at('2.52').get(f'/servers/{server_id}/tags').json == {'tags': ['blue']}


@step(STEPS, '2.53', 'services are named by uuid and updated with PUT /os-services/{id}')
def _service_uuids(w):
    service = w.host['service']
    [before] = w.admin.at('2.52').get('/os-services?binary=nova-compute').json['services']
    assert before['id'] == service['id']
    [after] = w.admin.at('2.53').get('/os-services?binary=nova-compute').json['services']
    assert after['id'] == service['uuid']
    body = {'status': 'disabled', 'disabled_reason': 'maintenance'}
    assert w.admin.at('2.52').put(f"/os-services/{service['uuid']}", {
        'host': 'host1', 'binary': 'nova-compute'}).status_int == 404
    updated = w.admin.at('2.53').put(f"/os-services/{service['uuid']}", body).json['service']
    assert (updated['id'], updated['status'], updated['disabled_reason']) == (
        service['uuid'], 'disabled', 'maintenance')
    assert w.admin.at('2.53').put('/os-services/disable', {
        'host': 'host1', 'binary': 'nova-compute'}).status_int == 400


@step(STEPS, '2.53', 'hypervisors are named by uuid and searched with query parameters')
def _hypervisor_uuids(w):
    node = w.host['node']
    [before] = w.admin.at('2.52').get('/os-hypervisors').json['hypervisors']
    assert before['id'] == node['id']
    [after] = w.admin.at('2.53').get('/os-hypervisors').json['hypervisors']
    assert after['id'] == node['uuid']
    assert w.admin.at('2.53').get(f"/os-hypervisors/{node['uuid']}").status_int == 200
    assert w.admin.at('2.53').get(f"/os-hypervisors/{node['id']}").status_int == 400
    assert w.admin.at('2.53').get('/os-hypervisors/node/search').status_int == 404
    found = w.admin.at('2.53').get(
        '/os-hypervisors?hypervisor_hostname_pattern=node&with_servers=true').json
    assert found['hypervisors'][0]['servers'][0]['uuid'] == w.server['uuid']


@step(STEPS, '2.48', 'diagnostics have a standard shape')
def _diagnostics(w):
    found = {'state': 'running', 'driver': 'libvirt', 'hypervisor': 'qemu',
             'hypervisor_os': 'linux', 'uptime': None, 'config_drive': False, 'num_cpus': 1,
             'num_nics': 0, 'num_disks': 0, 'cpu_details': [], 'nic_details': [],
             'disk_details': [], 'memory_details': {'maximum': 512, 'used': 100}}
    w.monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'get_instance_diagnostics',
                          lambda *args, **kwargs: found)
    path = server_path(w) + '/diagnostics'
    assert 'memory_details' not in w.admin.at('2.47').get(path).json
    after = w.admin.at('2.48').get(path).json
    assert after['memory_details'] == {'maximum': 512, 'used': 100}
    assert after['driver'] == 'libvirt'


@step(STEPS, '2.55', 'flavors have a description')
def _flavor_description(w):
    assert 'description' not in w.api.at('2.54').get('/flavors/1').json['flavor']
    assert w.api.at('2.55').get('/flavors/1').json['flavor']['description'] is None
    body = {'flavor': {'description': 'small'}}
    assert w.admin.at('2.54').put('/flavors/1', body).status_int == 404
    assert w.admin.at('2.55').put('/flavors/1', body).json['flavor']['description'] == 'small'


@step(STEPS, '2.56', 'migrate names a destination host')
def _migrate_host(w):
    body = {'migrate': {'host': 'nowhere'}}
    path = server_path(w) + '/action'
    assert 'host' in w.admin.at('2.55').post(path, body).json['badRequest']['message']
    resp = w.admin.at('2.56').post(path, body)
    assert resp.status_int == 400 and 'nowhere' in resp.json['badRequest']['message']


@step(STEPS, '2.57', 'personality is gone from create, limits and quotas')
def _personality(w):
    body = boot_body(w.image, networks='none', personality=[
        {'path': '/etc/motd', 'contents': base64.b64encode(b'hi').decode()}])
    assert w.api.at('2.56').post('/servers', body).status_int == 202
    assert w.api.at('2.57').post('/servers', body).status_int == 400
    assert 'maxPersonality' in w.api.at('2.56').get('/limits').json['limits']['absolute']
    assert 'maxPersonality' not in w.api.at('2.57').get('/limits').json['limits']['absolute']
    path = '/os-quota-sets/demo'
    assert 'injected_files' in w.api.at('2.56').get(path).json['quota_set']
    assert 'injected_files' not in w.api.at('2.57').get(path).json['quota_set']


@step(STEPS, '2.58', 'instance actions page with limit, marker and changes-since')
def _actions_paging(w):
    action_with_event(w, 'req-1')
    action_with_event(w, 'req-2')
    path = server_path(w) + '/os-instance-actions'
    assert len(w.api.at('2.57').get(path + '?limit=1').json['instanceActions']) == 2
    page = w.api.at('2.58').get(path + '?limit=1').json
    [first] = page['instanceActions']
    assert 'updated_at' in first and 'marker=' + first['request_id'] in page['links'][0]['href']
    rest = w.api.at('2.58').get(f"{path}?marker={first['request_id']}").json
    assert len(rest['instanceActions']) == 1
    assert w.api.at('2.58').get(path + '?changes-since=2999-01-01T00:00:00').json == {
        'instanceActions': []}
    assert w.api.at('2.58').get(path + '?bogus=1').status_int == 400


@step(STEPS, '2.59', 'server migrations show their uuid')
def _migration_uuid(w):
    migration = live_migration(w, 'running')
    path = server_path(w) + '/migrations'
    [before] = w.admin.at('2.58').get(path).json['migrations']
    assert 'uuid' not in before
    [after] = w.admin.at('2.59').get(path).json['migrations']
    assert after['uuid'] == migration['uuid']


@pytest.mark.parametrize('walk_step', STEPS, ids=step_id)
def test_step(walk_step, w):
    walk_step.check(w)


def _claimed_versions():
    return [f'2.{minor}' for minor in range(38, microversion.MAX_VERSION.minor + 1)]


def test_every_advertised_version_is_walked():
    walked = {s.version for s in STEPS}
    for versions in helper_versions().values():
        walked.update(versions)
    owned = {version for version, _owner, _names in OWNED}
    missing = [version for version in _claimed_versions()
               if version not in walked and version not in NOT_HERE and version not in owned]
    assert missing == [], f'advertised without a step: {missing}'


def test_owned_actions_that_exist_have_their_steps_walked():
    helpers = helper_versions()
    for version, owner, names in OWNED:
        built = _built(names)
        if version in _claimed_versions() and built:
            theirs = helpers.get(f'test_walk_{owner}', set())
            assert version in theirs, f'{version} ({built}) claimed but not walked by {owner}'


def test_what_is_not_here_is_absent():
    assert '/os-virtual-interfaces' not in {path for path, _methods in routes.ROUTES}
    assert not _built(['addFixedIp', 'removeFixedIp', 'addFloatingIp', 'removeFloatingIp'])


@pytest.mark.parametrize('action', ['addFixedIp', 'removeFixedIp', 'addFloatingIp',
                                    'removeFloatingIp'])
def test_nova_network_actions_are_not_here(api, db, action, beyond_max):
    server = make_instance()
    resp = api.at('2.44').post(f"/servers/{server['uuid']}/action", {action: {}})
    assert resp.status_int == 400
    assert f'no such action: {action}' in resp.json['badRequest']['message']
    assert api.get(f"/servers/{server['uuid']}/os-virtual-interfaces").status_int == 404
