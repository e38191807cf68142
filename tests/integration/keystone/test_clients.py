"""The real clients through Keystone: the ``openstack`` CLI, openstacksdk and novaclient.

Each finds novalite in Keystone's catalog (registered by ``novalite-manage
keystone-register``), discovers its microversions and drives the real
daemons on RabbitMQ and MariaDB, as a user of a Nova cloud would.
"""

import json
import os
import subprocess

import openstack
import pytest
from keystoneauth1 import session
from keystoneauth1.identity import v3
from novaclient import client as nova_client

from tests.integration.cloud import BIN
from tests.integration.keystone import server as keystone_server
from tests.integration.keystone.conftest import os_environ

pytestmark = pytest.mark.integration


def _openstack(keystone, user, project, *args):
    """Run ``openstack ARGS -f json`` as ``user``; returns the parsed output."""
    done = subprocess.run([os.path.join(BIN, 'openstack'), *args, '-f', 'json'],
                          env=os_environ(keystone, user, project), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def _openstack_no_output(keystone, user, project, *args):
    done = subprocess.run([os.path.join(BIN, 'openstack'), *args],
                          env=os_environ(keystone, user, project), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _session(keystone, user, project):
    password = keystone_server.ADMIN_PASSWORD if user == 'admin' else keystone_server.PASSWORD
    return session.Session(auth=v3.Password(
        auth_url=keystone.url, username=user, password=password, project_name=project,
        user_domain_id='default', project_domain_id='default'))


def _boot(cloud, keystone, name):
    """A server of project alpha, booted through the REST API, once ACTIVE."""
    sdk = openstack.connection.Connection(session=_session(keystone, 'alpha-member', 'alpha'),
                                          compute_api_version='2.37')
    created = sdk.compute.create_server(name=name, image_id=cloud.image_id, flavor_id='1',
                                        networks='none')
    return sdk.compute.wait_for_server(created, wait=120)


# --- openstack CLI -----------------------------------------------------------

def test_cli_lists_shows_renames_and_deletes_a_server(keystone, keystone_cloud):
    server = _boot(keystone_cloud, keystone, 'cli-web')
    as_member = (keystone, 'alpha-member', 'alpha')
    assert server.id in [s['ID'] for s in _openstack(*as_member, 'server', 'list')]
    shown = _openstack(*as_member, 'server', 'show', server.id)
    assert (shown['name'], shown['status']) == ('cli-web', 'ACTIVE')
    _openstack_no_output(*as_member, 'server', 'set', '--name', 'cli-renamed', server.id)
    assert _openstack(*as_member, 'server', 'show', server.id)['name'] == 'cli-renamed'
    _openstack_no_output(*as_member, 'server', 'delete', '--wait', server.id)
    assert server.id not in [s['ID'] for s in _openstack(*as_member, 'server', 'list')]


def _volume_status(keystone, volume_id, field='status'):
    return _openstack(keystone, 'alpha-member', 'alpha', 'volume', 'show', volume_id)[field]


def test_cli_creates_attaches_grows_detaches_and_deletes_a_volume(keystone, keystone_cloud):
    # novalite-volume found in the catalog (keystone-register --volume-public-url).
    server = _boot(keystone_cloud, keystone, 'cli-vol-web')
    as_member = (keystone, 'alpha-member', 'alpha')
    volume = _openstack(*as_member, 'volume', 'create', '--size', '1', 'cli-data')
    keystone_cloud.wait_for(lambda: _volume_status(keystone, volume['id']) == 'available',
                            'the volume to be available')
    assert [v['Name'] for v in _openstack(*as_member, 'volume', 'list')
            if v['ID'] == volume['id']] == ['cli-data']
    _openstack_no_output(*as_member, 'server', 'add', 'volume', server.id, volume['id'])
    keystone_cloud.wait_for(lambda: _volume_status(keystone, volume['id']) == 'in-use',
                            'the volume to be in-use')
    _openstack_no_output(*as_member, '--os-volume-api-version', '3.42', 'volume', 'set',
                         '--size', '2', volume['id'])
    keystone_cloud.wait_for(lambda: _volume_status(keystone, volume['id'], 'size') == 2,
                            'the attached volume to grow')
    assert _volume_status(keystone, volume['id']) == 'in-use'
    _openstack_no_output(*as_member, 'server', 'remove', 'volume', server.id, volume['id'])
    keystone_cloud.wait_for(lambda: _volume_status(keystone, volume['id']) == 'available',
                            'the volume to be available again')
    _openstack_no_output(*as_member, 'volume', 'delete', volume['id'])
    _openstack_no_output(*as_member, 'server', 'delete', '--wait', server.id)


def test_cli_lists_flavors(keystone, keystone_cloud):
    flavors = _openstack(keystone, 'alpha-reader', 'alpha', 'flavor', 'list')
    # The session's cloud is shared: other modules may have added flavors first.
    assert ('small', 64) in [(f['Name'], f['RAM']) for f in flavors]


def test_cli_lists_keypairs_and_shows_limits(keystone, keystone_cloud):
    as_member = (keystone, 'alpha-member', 'alpha')
    assert _openstack(*as_member, 'keypair', 'list') == []
    absolute = {row['Name']: row['Value']
                for row in _openstack(*as_member, 'limits', 'show', '--absolute')}
    assert 'instances' in absolute


def test_cli_admin_lists_hypervisors_and_disables_a_compute_service(keystone, keystone_cloud):
    as_admin = (keystone, 'admin', 'admin')
    assert [h['Hypervisor Hostname'] for h in
            _openstack(*as_admin, 'hypervisor', 'list')] == ['compute1']
    _openstack_no_output(*as_admin, 'compute', 'service', 'set', '--disable', 'compute1',
                         'nova-compute')
    try:
        services = _openstack(*as_admin, 'compute', 'service', 'list', '--host', 'compute1')
        assert [s['Status'] for s in services] == ['disabled']
    finally:
        _openstack_no_output(*as_admin, 'compute', 'service', 'set', '--enable', 'compute1',
                             'nova-compute')


def test_cli_refuses_a_member_the_hypervisor_list_with_novas_message(keystone, keystone_cloud):
    done = subprocess.run([os.path.join(BIN, 'openstack'), 'hypervisor', 'list'],
                          env=os_environ(keystone, 'alpha-member', 'alpha'),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert 'os_compute_api:os-hypervisors:list' in done.stderr


# --- openstacksdk ------------------------------------------------------------

def test_sdk_creates_lists_updates_and_deletes_a_server(keystone, keystone_cloud):
    sdk = openstack.connection.Connection(session=_session(keystone, 'alpha-member', 'alpha'))
    created = sdk.compute.create_server(name='sdk-web', image_id=keystone_cloud.image_id,
                                        flavor_id='1', networks='none')
    server = sdk.compute.wait_for_server(created, wait=120)
    assert server.status == 'ACTIVE'
    assert server.id in [s.id for s in sdk.compute.servers()]
    assert sdk.compute.update_server(server, name='sdk-renamed').name == 'sdk-renamed'
    sdk.compute.delete_server(server)
    sdk.compute.wait_for_delete(server, wait=120)
    assert sdk.compute.find_server(server.id) is None


def test_sdk_reads_flavors_keypairs_limits_hypervisors_and_services(keystone, keystone_cloud):
    member = openstack.connection.Connection(
        session=_session(keystone, 'alpha-member', 'alpha'))
    admin = openstack.connection.Connection(session=_session(keystone, 'admin', 'admin'))
    assert member.compute.find_flavor('small').ram == 64
    assert list(member.compute.keypairs()) == []
    assert member.compute.get_limits().absolute.instances is not None
    assert [h.name for h in admin.compute.hypervisors()] == ['compute1']
    assert 'compute1' in [s.host for s in admin.compute.services()]


# --- python-novaclient -------------------------------------------------------

def test_novaclient_creates_lists_updates_and_deletes_a_server(keystone, keystone_cloud):
    nova = nova_client.Client('2.37', session=_session(keystone, 'alpha-member', 'alpha'))
    server = nova.servers.create('nova-web', keystone_cloud.image_id, '1', nics='none')
    keystone_cloud.wait_for(lambda: nova.servers.get(server.id).status == 'ACTIVE',
                            'nova-web ACTIVE')
    assert server.id in [s.id for s in nova.servers.list()]
    nova.servers.update(server, name='nova-renamed')
    assert nova.servers.get(server.id).name == 'nova-renamed'
    nova.servers.delete(server)
    keystone_cloud.wait_for(lambda: server.id not in [s.id for s in nova.servers.list()],
                            'nova-web gone')


def test_novaclient_reads_flavors_keypairs_limits_and_disables_a_service(
        keystone, keystone_cloud):
    member = nova_client.Client('2.37', session=_session(keystone, 'alpha-member', 'alpha'))
    admin = nova_client.Client('2.37', session=_session(keystone, 'admin', 'admin'))
    assert member.flavors.find(name='small').ram == 64
    assert member.keypairs.list() == []
    assert 'maxTotalInstances' in member.limits.get().to_dict()['absolute']
    assert [h.hypervisor_hostname for h in admin.hypervisors.list()] == ['compute1']
    admin.services.disable('compute1', 'nova-compute')
    try:
        assert admin.services.list(host='compute1')[0].status == 'disabled'
    finally:
        admin.services.enable('compute1', 'nova-compute')
