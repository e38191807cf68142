"""The microversion walk from 2.80 on: the steps of the resources novalite has.

Each step sends the same request at the version before a change and at the
change's version and shows the difference. Steps 2.38 to 2.59, and the
checks that every advertised version is walked (this module's ``STEPS``
included), are in ``tests/functional/api/test_microversion_walk.py``; steps
2.60 to 2.79 in ``test_walk_from_2_60.py``, 2.80 on in ``test_walk_from_2_80.py``.
"""

import pytest

from novalite.compute import rpcapi as compute_rpcapi
from novalite.db import actions as db_actions
from novalite.db import block_device_mappings as db_bdms
from tests.functional.api.conftest import boot_body, make_instance
from tests.functional.api.walk.steps import (
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


@step(STEPS, '2.80', 'server migrations show their user and project')
def _migration_owner(w):
    live_migration(w, 'running')
    path = server_path(w) + '/migrations'
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
    path = f"{server_path(w)}/os-instance-actions/req-84"
    assert all('details' not in event
               for event in w.admin.at('2.83').get(path).json['instanceAction']['events'])
    ours, other = w.admin.at('2.84').get(path).json['instanceAction']['events']
    assert (ours['details'], other['details']) == ('boom', 'ValueError')
    assert all('details' not in event
               for event in w.api.at('2.84').get(path).json['instanceAction']['events'])


@step(STEPS, '2.85', 'PUT of a volume attachment sets delete_on_termination')
def _attachment_update(w):
    mapping = attached(w)
    path = f"{server_path(w)}/os-volume_attachments/{mapping['volume_id']}"
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
    mapping = attached(w)
    path = server_path(w) + '/os-volume_attachments'
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
    unpinned = w.api.at('2.96').get(server_path(w)).json['server']
    assert unpinned['pinned_availability_zone'] is None


@pytest.mark.parametrize('walk_step', STEPS, ids=step_id)
def test_step(walk_step, w):
    walk_step.check(w)
