"""The microversion walk: every change of Nova's version history from 2.38, shown.

Each step sends the same request at the version before the change and at
the change's version and shows the difference (``2.47``: the server's
flavor becomes the flavor itself). Steps run at the versions the API
advertises, up to 2.96; :func:`test_every_advertised_version_is_walked` then
checks that novalite claims no version whose steps are missing: each
version up to ``MAX_VERSION`` has a step here or in ``walk/`` (the action
families other modules own), or is in ``NOT_HERE``, a change to a part of
Nova novalite does not have (nova-network proxies, cells, Neutron ports),
which is then checked to answer as Nova answers a missing resource.
"""

import base64
import types

import pytest

from novalite.api import microversion, routes, server_actions, server_view
from novalite.compute import rpcapi as compute_rpcapi
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import actions as db_actions
from novalite.db import aggregates as db_aggregates
from novalite.db import block_device_mappings as db_bdms
from novalite.db import engine as db_engine
from novalite.db import instances as db_instances
from novalite.db import networks as db_networks
from novalite.db import server_groups as db_server_groups
from novalite.db import server_migrations
from novalite.db import services as db_services
from novalite.volume import cinder
from tests.functional.api.conftest import boot_body, make_instance
from tests.functional.api.walk.steps import helper_versions, step, step_id

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
    """What a step needs: clients, a flavor, an image, a host, and a server on it."""
    return types.SimpleNamespace(api=api, admin=admin, conf=conf, monkeypatch=monkeypatch,
                                 flavor=flavor, image=image,
                                 host=compute_host, server=make_instance())


def _server_path(w):
    return f"/servers/{w.server['uuid']}"


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
    before = w.api.at('2.46').get(_server_path(w)).json['server']['flavor']
    assert before['id'] == '1' and before['links']
    after = w.admin.at('2.47').get(_server_path(w)).json['server']['flavor']
    assert after == {'original_name': 'm1.tiny', 'vcpus': 1, 'ram': 512, 'disk': 1,
                     'ephemeral': 0, 'swap': 0, 'extra_specs': {}}


@step(STEPS, '2.49', 'volume attachments take a device tag')
def _volume_tag(w):
    body = {'volumeAttachment': {'volumeId': '4a7c4e22-1f3c-4c6b-9fd3-5b5e5f7b7a01',
                                 'tag': 'disk1'}}
    path = _server_path(w) + '/os-volume_attachments'
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


def _action_with_event(w, request_id='req-walk'):
    uuid = w.server['uuid']
    db_actions.action_start(uuid, 'stop', request_id, 'demo', 'demo')
    db_actions.event_start(uuid, request_id, 'compute_stop_instance', 'host1')
    db_actions.event_finish_named(uuid, request_id, 'compute_stop_instance', 'host1',
                                  'Error', traceback='Traceback: boom')
    return f"{_server_path(w)}/os-instance-actions/{request_id}"


@step(STEPS, '2.51', 'action events shown to every reader, tracebacks to admins')
def _events_for_all(w):
    path = _action_with_event(w)
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
    path = _server_path(w) + '/diagnostics'
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
    path = _server_path(w) + '/action'
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
    _action_with_event(w, 'req-1')
    _action_with_event(w, 'req-2')
    path = _server_path(w) + '/os-instance-actions'
    assert len(w.api.at('2.57').get(path + '?limit=1').json['instanceActions']) == 2
    page = w.api.at('2.58').get(path + '?limit=1').json
    [first] = page['instanceActions']
    assert 'updated_at' in first and 'marker=' + first['request_id'] in page['links'][0]['href']
    rest = w.api.at('2.58').get(f"{path}?marker={first['request_id']}").json
    assert len(rest['instanceActions']) == 1
    assert w.api.at('2.58').get(path + '?changes-since=2999-01-01T00:00:00').json == {
        'instanceActions': []}
    assert w.api.at('2.58').get(path + '?bogus=1').status_int == 400


def _live_migration(w, status):
    db_instances.instance_update(w.server['uuid'], {'task_state': 'migrating'})
    return server_migrations.migration_create(
        db_instances.instance_get(w.server['uuid']), 'live-migration', status=status)


@step(STEPS, '2.59', 'server migrations show their uuid')
def _migration_uuid(w):
    migration = _live_migration(w, 'running')
    path = _server_path(w) + '/migrations'
    [before] = w.admin.at('2.58').get(path).json['migrations']
    assert 'uuid' not in before
    [after] = w.admin.at('2.59').get(path).json['migrations']
    assert after['uuid'] == migration['uuid']


@step(STEPS, '2.60', 'a multiattach volume is refused by the driver, not the version')
def _multiattach(w):
    volume_id = '4a7c4e22-1f3c-4c6b-9fd3-5b5e5f7b7a01'
    w.monkeypatch.setattr(cinder.API, 'get', lambda self, ctx, vid: {
        'id': vid, 'status': 'available', 'multiattach': True})
    path = _server_path(w) + '/os-volume_attachments'
    body = {'volumeAttachment': {'volumeId': volume_id}}
    before = w.api.at('2.59').post(path, body)
    assert before.status_int == 400 and '2.60' in before.json['badRequest']['message']
    after = w.api.at('2.60').post(path, body)
    assert after.status_int == 409 and 'multiattach' in after.json['conflictingRequest'][
        'message']


@step(STEPS, '2.61', 'flavors show their extra specs')
def _flavor_extra_specs(w):
    assert 'extra_specs' not in w.api.at('2.60').get('/flavors/1').json['flavor']
    assert w.api.at('2.61').get('/flavors/1').json['flavor']['extra_specs'] == {}


@step(STEPS, '2.62', 'action events show hostId, and host to admins')
def _event_host(w):
    path = _action_with_event(w)
    [before] = w.admin.at('2.61').get(path).json['instanceAction']['events']
    assert 'hostId' not in before and 'host' not in before
    [event] = w.api.at('2.62').get(path).json['instanceAction']['events']
    assert event['hostId'] == server_view.host_id('demo', 'host1') and 'host' not in event
    [event] = w.admin.at('2.62').get(path).json['instanceAction']['events']
    assert event['host'] == 'host1'


@step(STEPS, '2.63', 'servers are created with trusted image certificates and show them')
def _trusted_certs(w):
    body = boot_body(w.image, networks='none', trusted_image_certificates=['cert-1'])
    assert w.api.at('2.62').post('/servers', body).status_int == 400
    server_id = w.api.at('2.63').post('/servers', body).json['server']['id']
    assert 'trusted_image_certificates' not in w.api.at('2.62').get(
        f'/servers/{server_id}').json['server']
    shown = w.api.at('2.63').get(f'/servers/{server_id}').json['server']
    assert shown['trusted_image_certificates'] == ['cert-1']
    assert w.api.at('2.63').get(_server_path(w)).json['server'][
        'trusted_image_certificates'] is None


@step(STEPS, '2.64', 'server groups take one policy and rules')
def _group_policy(w):
    before = w.api.at('2.63').post('/os-server-groups', {'server_group': {
        'name': 'g', 'policies': ['anti-affinity']}}).json['server_group']
    assert before['policies'] == ['anti-affinity'] and 'policy' not in before
    after = w.api.at('2.64').post('/os-server-groups', {'server_group': {
        'name': 'g', 'policy': 'anti-affinity', 'rules': {'max_server_per_host': 2}}}).json[
        'server_group']
    assert after['policy'] == 'anti-affinity' and after['rules'] == {'max_server_per_host': 2}
    assert 'policies' not in after and 'metadata' not in after


@step(STEPS, '2.65', 'a queued live migration may be aborted')
def _abort_queued(w):
    migration = _live_migration(w, 'queued')
    path = f"{_server_path(w)}/migrations/{migration['id']}"
    assert w.admin.at('2.64').delete(path).status_int == 400
    assert w.admin.at('2.65').delete(path).status_int == 202


@step(STEPS, '2.66', 'servers and instance actions filter on changes-before')
def _changes_before(w):
    past = '?changes-before=2000-01-01T00:00:00'
    assert len(w.api.at('2.65').get('/servers' + past).json['servers']) == 1
    assert w.api.at('2.66').get('/servers' + past).json['servers'] == []
    _action_with_event(w)
    path = _server_path(w) + '/os-instance-actions'
    assert w.api.at('2.65').get(path + past).status_int == 400
    assert w.api.at('2.66').get(path + past).json['instanceActions'] == []


@step(STEPS, '2.67', 'block device mappings take a volume_type')
def _volume_type(w):
    w.monkeypatch.setattr(cinder.API, 'volume_types', lambda self, ctx: [
        {'id': 'f00df00d-0000-4000-8000-000000000000', 'name': '__DEFAULT__'}])

    def body(volume_type):
        return boot_body(w.image, imageRef='', networks='none', block_device_mapping_v2=[{
            'source_type': 'image', 'uuid': w.image['id'], 'destination_type': 'volume',
            'boot_index': 0, 'volume_size': 1, 'volume_type': volume_type}])
    before = w.api.at('2.66').post('/servers', body('__DEFAULT__'))
    assert 'volume_type' in before.json['badRequest']['message']
    unknown = w.api.at('2.67').post('/servers', body('fast'))
    assert unknown.json['badRequest']['message'] == 'Volume type fast could not be found.'
    server_id = w.api.at('2.67').post('/servers', body('__DEFAULT__')).json['server']['id']
    [mapping] = db_bdms.bdm_get_by_instance(server_id)
    assert mapping['volume_type'] == '__DEFAULT__'


@step(STEPS, '2.68', 'live migration may no longer be forced')
def _no_force(w):
    w.monkeypatch.setattr(conductor_rpcapi.ComputeTaskAPI, 'live_migrate_instance',
                          lambda *args, **kwargs: None)
    body = {'os-migrateLive': {'host': None, 'block_migration': 'auto', 'force': False}}
    path = _server_path(w) + '/action'
    assert w.admin.at('2.67').post(path, body).status_int == 202
    db_instances.instance_update(w.server['uuid'], {'task_state': None})
    assert w.admin.at('2.68').post(path, body).status_int == 400


@step(STEPS, '2.70', 'volume attachments show their tag')
def _attachment_tag(w):
    db_bdms.bdm_reserve(w.server['uuid'], {
        'source_type': 'volume', 'destination_type': 'volume', 'tag': 'data',
        'volume_id': '4a7c4e22-1f3c-4c6b-9fd3-5b5e5f7b7a01'})
    path = _server_path(w) + '/os-volume_attachments'
    [before] = w.api.at('2.69').get(path).json['volumeAttachments']
    assert 'tag' not in before
    [after] = w.api.at('2.70').get(path).json['volumeAttachments']
    assert after['tag'] == 'data'


@step(STEPS, '2.71', 'a server names its groups in show and update')
def _server_groups(w):
    group = db_server_groups.group_create('demo', 'demo', 'g', 'affinity')
    with db_engine.writer() as session:
        db_server_groups.add_members(session, group['uuid'], [w.server['uuid']])
    assert 'server_groups' not in w.api.at('2.70').get(_server_path(w)).json['server']
    assert w.api.at('2.71').get(_server_path(w)).json['server']['server_groups'] == [
        group['uuid']]
    updated = w.api.at('2.71').put(_server_path(w), {'server': {'name': 'renamed'}}).json
    assert updated['server']['server_groups'] == [group['uuid']]
    [listed] = w.api.at('2.71').get('/servers/detail').json['servers']
    assert 'server_groups' not in listed


@step(STEPS, '2.73', 'servers filter and sort on locked')
def _locked_filter(w):
    make_instance(locked=True)
    assert len(w.api.at('2.72').get('/servers?locked=true').json['servers']) == 2
    assert len(w.api.at('2.73').get('/servers?locked=true').json['servers']) == 1
    [first, _second] = w.api.at('2.73').get('/servers/detail?sort_key=locked&sort_dir=desc'
                                            ).json['servers']
    assert first['locked'] is True


@step(STEPS, '2.74', 'an admin names the host and node to build on')
def _requested_destination(w):
    body = boot_body(w.image, networks='none', host='host1', hypervisor_hostname='node1')
    assert w.admin.at('2.73').post('/servers', body).status_int == 400
    assert w.api.at('2.74').post('/servers', body).status_int == 403
    server_id = w.admin.at('2.74').post('/servers', body).json['server']['id']
    assert db_instances.request_spec_get(server_id)['requested_host'] == 'host1'
    unknown = w.admin.at('2.74').post('/servers', dict(body, server=dict(
        body['server'], host='nowhere', hypervisor_hostname=None)))
    assert unknown.status_int == 400


@step(STEPS, '2.75', 'an unknown query parameter is a bad request')
def _strict_queries(w):
    assert w.api.at('2.74').get('/servers?bogus=1').status_int == 200
    assert w.api.at('2.75').get('/servers?bogus=1').status_int == 400


@step(STEPS, '2.75', 'PUT answers the server as GET shows it')
def _update_full_view(w):
    body = {'server': {'name': 'renamed'}}
    assert 'OS-EXT-STS:vm_state' not in w.api.at('2.74').put(_server_path(w), body).json[
        'server']
    after = w.api.at('2.75').put(_server_path(w), body).json['server']
    assert after['OS-EXT-STS:vm_state'] == 'active' and after['name'] == 'renamed'


@step(STEPS, '2.75', 'a flavor without swap shows 0')
def _swap_zero(w):
    assert w.api.at('2.74').get('/flavors/1').json['flavor']['swap'] == ''
    assert w.api.at('2.75').get('/flavors/1').json['flavor']['swap'] == 0


@step(STEPS, '2.75', 'hypervisors asked for their servers list them even when none')
def _hypervisor_servers(w):
    db_services.compute_node_report('host2', 'node2', {
        'hypervisor_type': 'fake', 'hypervisor_version': 1000, 'host_ip': '192.0.2.11',
        'availability_zone': 'nova', 'vcpus': 16, 'memory_mb': 65536, 'local_gb': 1024,
        'free_disk_gb': 1000, 'running_vms': 0, 'cpu_info': {}})
    query = '/os-hypervisors?hypervisor_hostname_pattern=node2&with_servers=true'
    assert 'servers' not in w.admin.at('2.74').get(query).json['hypervisors'][0]
    assert w.admin.at('2.75').get(query).json['hypervisors'][0]['servers'] == []


@step(STEPS, '2.78', 'a server shows its NUMA topology')
def _topology(w):
    path = _server_path(w) + '/topology'
    assert w.api.at('2.77').get(path).status_int == 404
    assert w.api.at('2.78').get(path).json == {'nodes': [], 'pagesize_kb': None}


def _attached(w, **values):
    return db_bdms.bdm_reserve(w.server['uuid'], dict({
        'source_type': 'volume', 'destination_type': 'volume',
        'volume_id': '4a7c4e22-1f3c-4c6b-9fd3-5b5e5f7b7a01'}, **values))


@step(STEPS, '2.79', 'volume attachments show delete_on_termination')
def _attachment_delete_on_termination(w):
    _attached(w, delete_on_termination=True)
    path = _server_path(w) + '/os-volume_attachments'
    assert 'delete_on_termination' not in w.api.at('2.78').get(path).json[
        'volumeAttachments'][0]
    assert w.api.at('2.79').get(path).json['volumeAttachments'][0]['delete_on_termination']


@step(STEPS, '2.80', 'server migrations show their user and project')
def _migration_owner(w):
    _live_migration(w, 'running')
    path = _server_path(w) + '/migrations'
    assert 'project_id' not in w.admin.at('2.79').get(path).json['migrations'][0]
    [after] = w.admin.at('2.80').get(path).json['migrations']
    assert 'project_id' in after and 'user_id' in after


@step(STEPS, '2.83', 'members filter servers on more fields')
def _member_filters(w):
    make_instance(key_name='other-key')
    assert len(w.api.at('2.82').get('/servers?key_name=other').json['servers']) == 2
    assert len(w.api.at('2.83').get('/servers?key_name=other').json['servers']) == 1
    assert len(w.api.at('2.83').get('/servers?power_state=1').json['servers']) == 2


@step(STEPS, '2.84', 'action events show their details to admins')
def _event_details(w):
    uuid = w.server['uuid']
    db_actions.action_start(uuid, 'stop', 'req-84', 'demo', 'demo')
    db_actions.event_finish_named(uuid, 'req-84', 'compute_stop_instance', 'host1', 'Error',
                                  traceback='Traceback (most recent call last):\n'
                                            'novalite.exception.Invalid: boom\n')
    db_actions.event_finish_named(uuid, 'req-84', 'compute_power_off', 'host1', 'Error',
                                  traceback='Traceback (most recent call last):\n'
                                            'ValueError: secret path /x\n')
    path = f"{_server_path(w)}/os-instance-actions/req-84"
    assert all('details' not in event
               for event in w.admin.at('2.83').get(path).json['instanceAction']['events'])
    ours, other = w.admin.at('2.84').get(path).json['instanceAction']['events']
    assert (ours['details'], other['details']) == ('boom', 'ValueError')
    assert all('details' not in event
               for event in w.api.at('2.84').get(path).json['instanceAction']['events'])


@step(STEPS, '2.85', 'PUT of a volume attachment sets delete_on_termination')
def _attachment_update(w):
    mapping = _attached(w)
    path = f"{_server_path(w)}/os-volume_attachments/{mapping['volume_id']}"
    body = {'volumeAttachment': {'volumeId': mapping['volume_id'],
                                 'delete_on_termination': True}}
    assert w.api.at('2.84').put(path, body).status_int == 400
    assert w.api.at('2.85').put(path, body).status_int == 202
    assert db_bdms.bdm_get_by_instance(w.server['uuid'])[0]['delete_on_termination']


@step(STEPS, '2.86', 'flavor extra specs of known namespaces are validated')
def _extra_spec_validation(w):
    body = {'extra_specs': {'hw:numa_nodes': 'two'}}
    assert w.admin.at('2.85').post('/flavors/1/os-extra_specs', body).status_int == 200
    assert w.admin.at('2.86').post('/flavors/1/os-extra_specs', body).status_int == 400


@step(STEPS, '2.88', 'hypervisors drop their usage fields, statistics and /uptime, and show '
                    'uptime')
def _hypervisor_usage(w):
    node = w.host['node']
    w.monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'get_host_uptime',
                          lambda *args: ' 10:00:00 up 3 days')
    before = w.admin.at('2.87').get(f"/os-hypervisors/{node['uuid']}").json['hypervisor']
    assert before['vcpus'] == 16 and 'uptime' not in before
    after = w.admin.at('2.88').get(f"/os-hypervisors/{node['uuid']}").json['hypervisor']
    assert 'vcpus' not in after and 'cpu_info' not in after
    assert after['uptime'] == ' 10:00:00 up 3 days'
    assert w.admin.at('2.87').get(f"/os-hypervisors/{node['uuid']}/uptime").status_int == 200
    assert w.admin.at('2.88').get(f"/os-hypervisors/{node['uuid']}/uptime").status_int == 404
    assert w.admin.at('2.87').get('/os-hypervisors/statistics').status_int == 200
    assert w.admin.at('2.88').get('/os-hypervisors/statistics').status_int == 404


@step(STEPS, '2.89', 'volume attachments name the attachment and mapping, not an id')
def _attachment_ids(w):
    mapping = _attached(w)
    path = _server_path(w) + '/os-volume_attachments'
    assert 'bdm_uuid' not in w.api.at('2.88').get(path).json['volumeAttachments'][0]
    [after] = w.api.at('2.89').get(path).json['volumeAttachments']
    assert after['bdm_uuid'] == mapping['uuid'] and 'id' not in after


@step(STEPS, '2.90', 'a server is given its host name, and every reader sees it')
def _hostname(w):
    body = boot_body(w.image, networks='none', hostname='web-1')
    assert w.api.at('2.89').post('/servers', body).status_int == 400
    server_id = w.api.at('2.90').post('/servers', body).json['server']['id']
    assert 'OS-EXT-SRV-ATTR:hostname' not in w.api.at('2.89').get(
        f'/servers/{server_id}').json['server']
    shown = w.api.at('2.90').get(f'/servers/{server_id}').json['server']
    assert shown['OS-EXT-SRV-ATTR:hostname'] == 'web-1'
    renamed = w.api.at('2.90').put(f'/servers/{server_id}', {'server': {'hostname': 'web-2'}})
    assert renamed.json['server']['OS-EXT-SRV-ATTR:hostname'] == 'web-2'
    many = boot_body(w.image, networks='none', hostname='web-1', max_count=2)
    assert w.api.at('2.90').post('/servers', many).status_int == 400


@step(STEPS, '2.92', 'key pairs are imported only')
def _keypair_import_only(w):
    body = {'keypair': {'name': 'k1'}}
    assert w.api.at('2.91').post('/os-keypairs', body).status_int == 201
    assert w.api.at('2.92').post('/os-keypairs', {'keypair': {'name': 'k2'}}).status_int == 400


@step(STEPS, '2.94', 'a server host name may be fully qualified')
def _fqdn(w):
    body = boot_body(w.image, networks='none', hostname='web.example.org')
    assert w.api.at('2.93').post('/servers', body).status_int == 400
    server_id = w.api.at('2.94').post('/servers', body).json['server']['id']
    assert w.api.at('2.94').get(f'/servers/{server_id}').json['server'][
        'OS-EXT-SRV-ATTR:hostname'] == 'web.example.org'


@step(STEPS, '2.96', 'servers show the zone they are pinned to')
def _pinned_zone(w):
    body = boot_body(w.image, networks='none', availability_zone='nova')
    server_id = w.api.at('2.95').post('/servers', body).json['server']['id']
    assert 'pinned_availability_zone' not in w.api.at('2.95').get(
        f'/servers/{server_id}').json['server']
    assert w.api.at('2.96').get(f'/servers/{server_id}').json['server'][
        'pinned_availability_zone'] == 'nova'
    unpinned = w.api.at('2.96').get(_server_path(w)).json['server']
    assert unpinned['pinned_availability_zone'] is None


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
