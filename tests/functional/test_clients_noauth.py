"""The real clients against the all-in-one under noauth2: no Keystone, a token ``user:project``.

keystoneauth's ``admin_token`` plugin sends the token as it is and takes the
endpoint as given, so the ``openstack`` CLI, openstacksdk and novaclient
reach the all-in-one as they would a Nova cloud; they discover its
microversions from the version documents first, which need no token.
"""

import openstack
import pytest
from keystoneauth1 import discover, session, token_endpoint
from novaclient import client as nova_client

from tests.functional import all_in_one
from tests.integration.cloud import Cloud

TOKEN = 'demo:demo'


@pytest.fixture(scope='module')
def aio(tmp_path_factory):
    with all_in_one.running(tmp_path_factory.mktemp('aio-clients'), 64) as cloud:
        yield {'url': cloud.url, 'image': cloud.image}


def _session(aio):
    return session.Session(auth=token_endpoint.Token(aio['url'] + '/v2.1', TOKEN))


@pytest.mark.parametrize('path, version, status', [
    ('/', 'v2.1', 'CURRENT'), ('/v2.1', 'v2.1', 'CURRENT'), ('/v2', 'v2.0', 'SUPPORTED')])
def test_keystoneauth_discovers_each_endpoint_without_a_token(aio, path, version, status):
    found = {data['id']: data
             for data in discover.get_version_data(session.Session(), aio['url'] + path)}
    assert found[version]['status'] == status


def test_openstack_cli_shows_and_deletes_a_server_and_lists_flavors(aio):
    def openstack_cli(*args):
        return all_in_one.openstack_cli(aio['url'], TOKEN, *args)

    sdk = openstack.connection.Connection(session=_session(aio), compute_api_version='2.37')
    server = sdk.compute.create_server(name='cli-web', image_id=aio['image'], flavor_id='1',
                                       networks='none')
    sdk.compute.wait_for_server(server, wait=120)
    assert openstack_cli('server', 'show', server.id, '-f', 'json')['status'] == 'ACTIVE'
    assert [f['Name'] for f in openstack_cli('flavor', 'list', '-f', 'json')] == ['small']
    openstack_cli('server', 'delete', '--wait', server.id)
    # 'server list' is left out: with one endpoint for every service, its
    # block-storage lookup finds the compute endpoint's version document.
    assert sdk.compute.find_server(server.id) is None


def test_openstacksdk_creates_lists_and_deletes_a_server(aio):
    sdk = openstack.connection.Connection(session=_session(aio))
    server = sdk.compute.create_server(name='sdk-web', image_id=aio['image'], flavor_id='1',
                                       networks='none')
    assert sdk.compute.wait_for_server(server, wait=120).status == 'ACTIVE'
    assert server.id in [s.id for s in sdk.compute.servers()]
    sdk.compute.delete_server(server)
    sdk.compute.wait_for_delete(server, wait=120)


def test_novaclient_creates_lists_and_deletes_a_server(aio):
    nova = nova_client.Client('2.37', session=_session(aio))
    server = nova.servers.create('nova-web', aio['image'], '1', nics='none')
    Cloud.wait_for(lambda: nova.servers.get(server.id).status == 'ACTIVE', 'nova-web ACTIVE')
    assert server.id in [s.id for s in nova.servers.list()]
    nova.servers.delete(server)
    Cloud.wait_for(lambda: server.id not in [s.id for s in nova.servers.list()],
                   'nova-web gone')


def test_openstack_cli_admin_lock_holds_against_the_owner_until_the_admin_unlocks(aio):
    def as_user(token, *args, check=True):
        return all_in_one.openstack_cli(aio['url'], token, *args, version='2.73', check=check)

    sdk = openstack.connection.Connection(session=_session(aio), compute_api_version='2.37')
    server = sdk.compute.create_server(name='locked-web', image_id=aio['image'],
                                       flavor_id='1', networks='none')
    sdk.compute.wait_for_server(server, wait=120)
    as_user('admin:admin', 'server', 'lock', '--reason', 'forensics', server.id)

    refused = as_user(TOKEN, 'server', 'unlock', server.id, check=False)
    assert refused.returncode == 1
    assert refused.stderr.startswith('ForbiddenException: 403')
    assert ("Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override "
            "to be performed.") in refused.stderr
    stopped = as_user(TOKEN, 'server', 'stop', server.id, check=False)
    assert stopped.returncode == 1 and 'is locked' in stopped.stderr
    shown = as_user(TOKEN, 'server', 'show', server.id, '-f', 'json')
    assert (shown['locked'], shown['locked_reason']) == (True, 'forensics')

    as_user('admin:admin', 'server', 'unlock', server.id)
    as_user(TOKEN, 'server', 'lock', server.id)
    as_user(TOKEN, 'server', 'unlock', server.id)
    assert as_user(TOKEN, 'server', 'show', server.id, '-f', 'json')['locked'] is False


@pytest.mark.parametrize('version', ['2.37', '2.53'])
def test_openstack_cli_disables_and_enables_nova_compute_by_novas_binary_name(aio, version):
    def admin(*args):
        return all_in_one.openstack_cli(aio['url'], 'admin:admin', *args, version=version)

    listed = admin('compute', 'service', 'list', '-f', 'json')
    assert sorted(s['Binary'] for s in listed) == [
        'nova-compute', 'nova-conductor', 'nova-scheduler', 'novalite-volume']
    admin('compute', 'service', 'set', 'aio', 'nova-compute', '--disable',
          '--disable-reason', 'maintenance')
    [shown] = admin('compute', 'service', 'list', '--service', 'nova-compute', '--long',
                    '-f', 'json')
    assert (shown['Host'], shown['Status'], shown['Disabled Reason']) == (
        'aio', 'disabled', 'maintenance')
    admin('compute', 'service', 'set', 'aio', 'novalite-compute', '--enable')
    [shown] = admin('compute', 'service', 'list', '--service', 'nova-compute', '-f', 'json')
    assert shown['Status'] == 'enabled'


@pytest.mark.parametrize('version', ['2.37', '2.88'])
def test_openstack_cli_hypervisor_show_has_the_host_s_uptime_and_load(aio, version):
    shown = all_in_one.openstack_cli(aio['url'], 'admin:admin', 'hypervisor', 'show', 'aio',
                                     '-f', 'json', version=version)
    assert shown['hypervisor_hostname'] == 'aio'
    assert shown['load_average'].count(',') == 2 and shown['users'] and shown['uptime']


def test_openstack_cli_create_with_trusted_certs_is_refused_and_creates_nothing(aio):
    done = all_in_one.openstack_cli(
        aio['url'], TOKEN, 'server', 'create', '--image', aio['image'], '--flavor', '1',
        '--no-network', '--trusted-image-cert', 'cert-1', 'trusted-web', version='2.63',
        check=False)
    assert done.returncode == 1
    assert 'BadRequestException: 400' in done.stderr
    assert 'certificate validation is not supported' in done.stderr
    sdk = openstack.connection.Connection(session=_session(aio))
    assert 'trusted-web' not in [s.name for s in sdk.compute.servers()]
