"""The microversion walk from 2.60 to 2.79: the steps of the resources novalite has.

Each step sends the same request at the version before a change and at the
change's version and shows the difference. Steps 2.38 to 2.59, and the
checks that every advertised version is walked (this module's ``STEPS``
included), are in ``tests/functional/api/test_microversion_walk.py``; steps
2.60 to 2.79 in ``test_walk_from_2_60.py``, 2.80 on in ``test_walk_from_2_80.py``.
"""


import pytest

from novalite.api import server_view
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import block_device_mappings as db_bdms
from novalite.db import engine as db_engine
from novalite.db import instances as db_instances
from novalite.db import server_groups as db_server_groups
from novalite.db import services as db_services
from novalite.volume import cinder
from tests.functional.api.conftest import boot_body, make_instance
from tests.functional.api.walk.steps import (
    action_with_event,
    attached,
    live_migration,
    server_path,
    step,
    step_id,
    walker,
)

STEPS = []


@pytest.fixture
def w(api, admin, conf, flavor, image, compute_host, monkeypatch):
    return walker(api, admin, conf, flavor, image, compute_host, monkeypatch)


@step(STEPS, '2.60', 'a multiattach volume is refused by the driver, not the version')
def _multiattach(w):
    volume_id = '4a7c4e22-1f3c-4c6b-9fd3-5b5e5f7b7a01'
    w.monkeypatch.setattr(cinder.API, 'get', lambda self, ctx, vid: {
        'id': vid, 'status': 'available', 'multiattach': True})
    path = server_path(w) + '/os-volume_attachments'
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
    path = action_with_event(w)
    [before] = w.admin.at('2.61').get(path).json['instanceAction']['events']
    assert 'hostId' not in before and 'host' not in before
    [event] = w.api.at('2.62').get(path).json['instanceAction']['events']
    assert event['hostId'] == server_view.host_id('demo', 'host1') and 'host' not in event
    [event] = w.admin.at('2.62').get(path).json['instanceAction']['events']
    assert event['host'] == 'host1'


@step(STEPS, '2.63', 'servers show trusted image certificates; asking for some is refused')
def _trusted_certs(w):
    body = boot_body(w.image, networks='none', trusted_image_certificates=['cert-1'])
    assert w.api.at('2.62').post('/servers', body).status_int == 400
    refused = w.api.at('2.63').post('/servers', body)
    assert refused.status_int == 400
    assert 'does not verify image signatures' in refused.json['badRequest']['message']
    body['server']['trusted_image_certificates'] = None
    server_id = w.api.at('2.63').post('/servers', body).json['server']['id']
    assert 'trusted_image_certificates' not in w.api.at('2.62').get(
        f'/servers/{server_id}').json['server']
    shown = w.api.at('2.63').get(f'/servers/{server_id}').json['server']
    assert shown['trusted_image_certificates'] is None


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
    migration = live_migration(w, 'queued')
    path = f"{server_path(w)}/migrations/{migration['id']}"
    assert w.admin.at('2.64').delete(path).status_int == 400
    assert w.admin.at('2.65').delete(path).status_int == 202


@step(STEPS, '2.66', 'servers and instance actions filter on changes-before')
def _changes_before(w):
    past = '?changes-before=2000-01-01T00:00:00'
    assert len(w.api.at('2.65').get('/servers' + past).json['servers']) == 1
    assert w.api.at('2.66').get('/servers' + past).json['servers'] == []
    action_with_event(w)
    path = server_path(w) + '/os-instance-actions'
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
    path = server_path(w) + '/action'
    assert w.admin.at('2.67').post(path, body).status_int == 202
    db_instances.instance_update(w.server['uuid'], {'task_state': None})
    assert w.admin.at('2.68').post(path, body).status_int == 400


@step(STEPS, '2.70', 'volume attachments show their tag')
def _attachment_tag(w):
    db_bdms.bdm_reserve(w.server['uuid'], {
        'source_type': 'volume', 'destination_type': 'volume', 'tag': 'data',
        'volume_id': '4a7c4e22-1f3c-4c6b-9fd3-5b5e5f7b7a01'})
    path = server_path(w) + '/os-volume_attachments'
    [before] = w.api.at('2.69').get(path).json['volumeAttachments']
    assert 'tag' not in before
    [after] = w.api.at('2.70').get(path).json['volumeAttachments']
    assert after['tag'] == 'data'


@step(STEPS, '2.71', 'a server names its groups in show and update')
def _server_groups(w):
    group = db_server_groups.group_create('demo', 'demo', 'g', 'affinity')
    with db_engine.writer() as session:
        db_server_groups.add_members(session, group['uuid'], [w.server['uuid']])
    assert 'server_groups' not in w.api.at('2.70').get(server_path(w)).json['server']
    assert w.api.at('2.71').get(server_path(w)).json['server']['server_groups'] == [
        group['uuid']]
    updated = w.api.at('2.71').put(server_path(w), {'server': {'name': 'renamed'}}).json
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
    assert 'OS-EXT-STS:vm_state' not in w.api.at('2.74').put(server_path(w), body).json[
        'server']
    after = w.api.at('2.75').put(server_path(w), body).json['server']
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
    path = server_path(w) + '/topology'
    assert w.api.at('2.77').get(path).status_int == 404
    assert w.api.at('2.78').get(path).json == {'nodes': [], 'pagesize_kb': None}


@step(STEPS, '2.79', 'volume attachments show delete_on_termination')
def _attachment_delete_on_termination(w):
    attached(w, delete_on_termination=True)
    path = server_path(w) + '/os-volume_attachments'
    assert 'delete_on_termination' not in w.api.at('2.78').get(path).json[
        'volumeAttachments'][0]
    assert w.api.at('2.79').get(path).json['volumeAttachments'][0]['delete_on_termination']


@pytest.mark.parametrize('walk_step', STEPS, ids=step_id)
def test_step(walk_step, w):
    walk_step.check(w)
