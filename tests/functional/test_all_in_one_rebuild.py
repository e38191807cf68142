"""Rebuild driven through the CLI against one all-in-one (fake hypervisor).

``novalite rebuild --wait`` re-images a server where it is: the guest the
fake hypervisor keeps is the new image's, the fixed IP and the host stay,
the instance action records the compute step, a stopped server stays
stopped, and a rebuild from the wrong state is refused with Nova's message.
openstacksdk and novaclient rebuild too.
"""

import json
import os

import openstack
import pytest
from keystoneauth1 import session, token_endpoint
from novaclient import client as nova_client

from novalite.cli import client as novalite_client
from tests.functional import all_in_one
from tests.functional.test_all_in_one import _run
from tests.integration.cloud import Cloud


@pytest.fixture(scope='module')
def aio(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('aio-rebuild')
    with all_in_one.running(workdir) as cloud:
        second = _run('novalite-manage', '--config-file', str(cloud.conf), 'image-create',
                      '--name', 'second', '--file', str(cloud.conf), '--disk-format', 'raw')
        url = cloud.url + '/v2.1'
        yield {'env': dict(os.environ, NOVALITE_URL=url), 'workdir': workdir,
               'client': novalite_client.Client(url, token='admin:admin'),
               'images': {'first': cloud.image, 'second': second.stdout.strip()}}


def _guest(aio, server_id):
    with open(aio['workdir'] / 'fake-aio' / f'{server_id}.json') as f:
        return json.load(f)


def _boot(aio, name):
    _run('novalite', 'boot', name, '--flavor', 'small', '--image', 'tiny', '--wait',
         '--poll-interval', '0.2', env=aio['env'])
    (server,) = aio['client'].servers.list(detailed=True, name=f'^{name}$')
    return server


def test_rebuild_wait_re_images_the_server_in_place_keeping_its_ip(aio):
    server = _boot(aio, 'rebuilt')
    done = _run('novalite', 'rebuild', 'rebuilt', 'second', '--name', 'rebuilt-2',
                '--meta', 'role=web', '--wait', '--poll-interval', '0.2', env=aio['env'])
    assert 'ACTIVE' in done.stdout
    after = aio['client'].servers.get(server['id'])
    assert (after['status'], after['name'], after['image']['id']) == (
        'ACTIVE', 'rebuilt-2', aio['images']['second'])
    assert after['metadata'] == {'role': 'web'}
    assert after['addresses'] == server['addresses'] and after['addresses']
    assert after['OS-EXT-SRV-ATTR:host'] == 'aio'
    assert _guest(aio, server['id'])['image_ref'] == aio['images']['second']
    (action,) = [a for a in aio['client'].servers.actions(server['id'])
                 if a['action'] == 'rebuild']

    def events():
        found = aio['client'].servers.action(server['id'], action['request_id'])['events']
        return [(e['event'], e['result']) for e in found]
    # The host casts the event's end after the server's last state change.
    Cloud.wait_for(lambda: all(result for _event, result in events()), 'the event to end')
    assert events() == [('compute_rebuild_instance', 'Success')]


def test_rebuild_of_a_stopped_server_leaves_it_shutoff(aio):
    server = _boot(aio, 'stopped-rebuild')
    _run('novalite', 'stop', 'stopped-rebuild', env=aio['env'])
    Cloud.wait_for(lambda: aio['client'].servers.get(server['id'])['status'] == 'SHUTOFF',
                   'SHUTOFF')
    done = _run('novalite', 'rebuild', 'stopped-rebuild', 'second', '--wait',
                '--poll-interval', '0.2', env=aio['env'])
    assert 'SHUTOFF' in done.stdout
    assert _guest(aio, server['id'])['state'] == 4


def test_rebuild_of_a_paused_server_is_refused_with_novas_message(aio):
    server = _boot(aio, 'paused')
    _run('novalite', 'pause', 'paused', env=aio['env'])
    Cloud.wait_for(lambda: aio['client'].servers.get(server['id'])['status'] == 'PAUSED',
                   'PAUSED')
    done = _run('novalite', 'rebuild', 'paused', 'second', env=aio['env'], check=False)
    assert done.returncode != 0
    assert "Cannot 'rebuild' instance" in done.stderr and 'vm_state paused' in done.stderr
    assert aio['client'].servers.get(server['id'])['image']['id'] == aio['images']['first']


def _session(aio):
    return session.Session(auth=token_endpoint.Token(aio['env']['NOVALITE_URL'],
                                                     'demo:demo'))


def test_openstacksdk_and_novaclient_rebuild_a_server(aio):
    sdk = openstack.connection.Connection(session=_session(aio), compute_api_version='2.37')
    server = sdk.compute.create_server(name='sdk-rebuilt', image_id=aio['images']['first'],
                                       flavor_id='1', networks='none')
    sdk.compute.wait_for_server(server, wait=120)
    answered = sdk.compute.rebuild_server(server, image=aio['images']['second'],
                                          name='sdk-rebuilt-2', admin_password='pw-sdk')
    assert answered.admin_password == 'pw-sdk'
    rebuilt = sdk.compute.wait_for_server(sdk.compute.get_server(server.id), wait=120)
    assert (rebuilt.status, rebuilt.name, rebuilt.image.id) == (
        'ACTIVE', 'sdk-rebuilt-2', aio['images']['second'])

    nova = nova_client.Client('2.37', session=_session(aio))
    nova.servers.rebuild(server.id, aio['images']['first'], name='nova-rebuilt')
    Cloud.wait_for(lambda: nova.servers.get(server.id).status == 'ACTIVE' and
                   nova.servers.get(server.id).name == 'nova-rebuilt', 'the second rebuild')
    assert nova.servers.get(server.id).image['id'] == aio['images']['first']
    assert _guest(aio, server.id)['image_ref'] == aio['images']['first']
    sdk.compute.delete_server(server)
    sdk.compute.wait_for_delete(server, wait=120)
