"""The metadata API (``novalite-metadata``'s app) on the database of a running all-in-one.

A server is booted through the all-in-one's compute API with user data, a
key pair, metadata and a fixed IP; the paste-loaded metadata app reads the
same SQLite database, as the daemon would, and is asked as Neutron's
metadata proxy asks: ``X-Instance-ID``, ``X-Tenant-ID`` and the signature.
"""

import json

import pytest
import webob

from novalite.api import app as api_app
from novalite.cli import client as novalite_client
from novalite.db import engine
from novalite.db import instances as db_instances
from novalite.metadata import requester
from novalite.virt.libvirt import configdrive
from tests.functional import all_in_one
from tests.integration.cloud import Cloud

SECRET = 'proxy-s3cret'
PUBLIC_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'
              ' demo@desk')
USER_DATA = b'#cloud-config\nhostname: web\n'


@pytest.fixture(scope='module')
def cloud(tmp_path_factory):
    """The all-in-one with ``web`` (demo's, ACTIVE) booted with key, user data and a NIC."""
    workdir = tmp_path_factory.mktemp('aio-metadata')
    with all_in_one.running(workdir) as aio:
        demo = novalite_client.Client(aio.url + '/v2.1', token='demo:demo')
        demo.keypairs.create('desk', public_key=PUBLIC_KEY)
        created = demo.servers.create('web', aio.image, '1', key_name='desk',
                                      user_data=USER_DATA, metadata={'role': 'web'})
        Cloud.wait_for(lambda: demo.servers.get(created['id'])['status'] == 'ACTIVE',
                       'web ACTIVE')
        yield {'workdir': workdir, 'server': demo.servers.get(created['id']), 'client': demo,
               'image': aio.image}


@pytest.fixture
def metadata(cloud, conf):
    """``get(path, headers)`` into the metadata app on the all-in-one's database."""
    conf.set_override('metadata_proxy_shared_secret', SECRET, group='neutron')
    engine.configure(f"sqlite:///{cloud['workdir']}/novalite.sqlite")
    app = api_app.load_app(conf, name='metadata')

    def get(path, headers=None, method='GET', body=None):
        req = webob.Request.blank(path, method=method, headers=headers or {}, POST=body)
        req.remote_addr = '192.0.2.99'
        return req.get_response(app)
    yield get
    engine.configure('sqlite://')


def _proxy_headers(server, signature=None, project='demo'):
    if signature is None:
        signature = requester.signature(server['id'], SECRET)
    return {'X-Instance-ID': server['id'], 'X-Tenant-ID': project,
            'X-Instance-ID-Signature': signature}


def _fixed_ip(server):
    [address] = [a['addr'] for addrs in server['addresses'].values() for a in addrs]
    return address


def test_meta_data_json_describes_the_server_its_key_and_metadata(cloud, metadata):
    server = cloud['server']
    resp = metadata('/openstack/latest/meta_data.json', _proxy_headers(server))
    assert resp.status_int == 200 and resp.content_type == 'application/json'
    meta = resp.json
    assert {key: meta[key] for key in ('uuid', 'name', 'hostname', 'availability_zone',
                                       'launch_index', 'project_id', 'meta', 'devices')} == {
        'uuid': server['id'], 'name': 'web', 'hostname': 'web', 'availability_zone': 'nova',
        'launch_index': 0, 'project_id': 'demo', 'meta': {'role': 'web'}, 'devices': []}
    assert meta['public_keys'] == {'desk': PUBLIC_KEY}
    assert meta['keys'] == [{'name': 'desk', 'type': 'ssh', 'data': PUBLIC_KEY}]
    assert 'admin_pass' not in meta


def test_user_data_is_served_decoded(cloud, metadata):
    resp = metadata('/openstack/latest/user_data', _proxy_headers(cloud['server']))
    assert resp.status_int == 200 and resp.body == USER_DATA


def test_network_data_is_the_config_drives(cloud, metadata):
    server = cloud['server']
    resp = metadata('/openstack/latest/network_data.json', _proxy_headers(server))
    instance = db_instances.instance_get(server['id'])
    drive = configdrive.files(instance, instance['network_info'])
    assert resp.body == drive['openstack/latest/network_data.json']
    assert [n['ip_address'] for n in resp.json['networks']] == [_fixed_ip(server)]


def test_dated_versions_serve_what_they_had(cloud, metadata):
    headers = _proxy_headers(cloud['server'])
    old = metadata('/openstack/2012-08-10/meta_data.json', headers).json
    assert 'project_id' not in old and 'keys' not in old
    assert metadata('/openstack/2013-04-04/network_data.json', headers).status_int == 404
    assert metadata('/openstack/1999-01-01/meta_data.json', headers).status_int == 404


def test_version_listings(cloud, metadata):
    headers = _proxy_headers(cloud['server'])
    versions = metadata('/openstack', headers).text.splitlines()
    assert versions[0] == '2012-08-10' and versions[-2:] == ['2020-10-14', 'latest']
    assert metadata('/openstack/latest', headers).text.splitlines() == [
        'meta_data.json', 'user_data', 'password', 'vendor_data.json', 'network_data.json',
        'vendor_data2.json']
    assert metadata('/openstack/2012-08-10', headers).text.splitlines() == [
        'meta_data.json', 'user_data']
    root = metadata('/')
    assert root.status_int == 200 and root.text.splitlines()[-2:] == ['2009-04-04', 'latest']


def test_ec2_meta_data_lists_and_answers_its_keys(cloud, metadata):
    server = cloud['server']
    headers = _proxy_headers(server)
    listing = metadata('/latest/meta-data/', headers).text.splitlines()
    assert {'instance-id', 'hostname', 'local-ipv4', 'public-keys/',
            'placement/'} <= set(listing)
    instance = db_instances.instance_get(server['id'])
    assert metadata('/latest/meta-data/instance-id', headers).text == (
        'i-%08x' % instance['id'])
    assert metadata('/latest/meta-data/hostname', headers).text == 'web'
    assert metadata('/latest/meta-data/local-ipv4', headers).text == _fixed_ip(server)
    assert metadata('/latest/meta-data/placement/availability-zone', headers).text == 'nova'
    assert metadata('/latest/meta-data/public-keys/', headers).text == '0=desk'
    assert metadata('/latest/meta-data/public-keys/0/openssh-key', headers).text == PUBLIC_KEY
    assert metadata('/latest/user-data', headers).body == USER_DATA
    assert metadata('/latest/meta-data/no-such-key', headers).status_int == 404
    assert metadata('/1999-01-01/meta-data/', headers).status_int == 404


@pytest.mark.parametrize('sign', [
    lambda server_id: requester.signature('another-instance', SECRET),
    lambda server_id: requester.signature(server_id, 'another secret'),
    lambda server_id: ''], ids=['other-instance', 'other-secret', 'empty'])
def test_a_wrong_signature_is_403(cloud, metadata, sign):
    server = cloud['server']
    resp = metadata('/openstack/latest/user_data', _proxy_headers(server, sign(server['id'])))
    assert resp.status_int == 403
    assert 'Invalid proxy request signature.' in resp.text
    assert USER_DATA not in resp.body


@pytest.mark.parametrize('header', ['X-Instance-ID', 'X-Instance-ID-Signature', 'X-Tenant-ID'])
def test_a_missing_proxy_header_is_400_naming_it(cloud, metadata, header):
    headers = _proxy_headers(cloud['server'])
    del headers[header]
    resp = metadata('/openstack/latest/meta_data.json', headers)
    assert resp.status_int == 400
    assert f'{header} header is missing from request.' in resp.text


def test_an_unknown_instance_is_404(metadata):
    unknown = {'id': '0b5f9b0c-0000-4000-8000-000000000000'}
    assert metadata('/openstack/latest/meta_data.json',
                    _proxy_headers(unknown)).status_int == 404


def test_another_projects_tenant_header_is_404(cloud, metadata):
    resp = metadata('/openstack/latest/meta_data.json',
                    _proxy_headers(cloud['server'], project='other'))
    assert resp.status_int == 404


def test_by_remote_address_the_forwarded_fixed_ip_names_the_server(cloud, conf, metadata):
    server = cloud['server']
    forwarded = {'X-Forwarded-For': _fixed_ip(server)}
    assert metadata('/openstack/latest/meta_data.json', forwarded).status_int == 400
    conf.set_override('metadata_by_remote_address', True, group='api')
    assert metadata('/openstack/latest/meta_data.json', forwarded).json['uuid'] == server['id']
    assert metadata('/latest/meta-data/hostname',
                    {'X-Forwarded-For': '10.250.0.250'}).status_int == 404
    # The peer's own address when no proxy forwarded it (192.0.2.99 holds none).
    assert metadata('/latest/meta-data/hostname').status_int == 404


def test_only_reads_are_served(cloud, metadata):
    resp = metadata('/openstack/latest/meta_data.json', _proxy_headers(cloud['server']),
                    method='POST')
    assert resp.status_int == 405 and resp.headers['Allow'] == 'GET, HEAD'


def test_a_deleted_server_is_404(cloud, metadata):
    demo = cloud['client']
    doomed = demo.servers.create('doomed', cloud['image'], '1', networks='none')
    Cloud.wait_for(lambda: demo.servers.get(doomed['id'])['status'] == 'ACTIVE', 'ACTIVE')
    assert metadata('/openstack/latest/meta_data.json',
                    _proxy_headers(doomed)).status_int == 200
    demo.servers.delete(doomed['id'])
    Cloud.wait_for(lambda: doomed['id'] not in [s['id'] for s in demo.servers.list()],
                   'doomed gone')
    assert metadata('/openstack/latest/meta_data.json',
                    _proxy_headers(doomed)).status_int == 404
    assert json.loads(metadata('/openstack/latest/meta_data.json',
                               _proxy_headers(cloud['server'])).body)['name'] == 'web'


def test_a_guest_posts_its_password_once_and_the_owner_reads_it(cloud, metadata):
    server, demo = cloud['server'], cloud['client']
    headers = _proxy_headers(server)
    path = '/openstack/latest/password'
    encrypted = 'c2VjcmV0' * 100
    assert metadata(path, headers).body == b''
    assert metadata(path, headers, method='POST', body=encrypted).status_int == 200
    shown = demo.get(f"/servers/{server['id']}/os-server-password")
    assert shown == {'password': encrypted}
    assert metadata(path, headers).text == encrypted
    assert metadata(path, headers, method='POST', body='again').status_int == 409
    demo.delete(f"/servers/{server['id']}/os-server-password")
    assert metadata(path, headers).body == b''
    assert metadata('/openstack/2012-08-10/password', headers).status_int == 404


def test_a_posted_password_past_four_chunks_is_400_and_not_kept(cloud, metadata):
    server, demo = cloud['server'], cloud['client']
    resp = metadata('/openstack/latest/password', _proxy_headers(server), method='POST',
                    body='x' * 1021)
    assert resp.status_int == 400 and 'Request is too large.' in resp.text
    assert demo.get(f"/servers/{server['id']}/os-server-password") == {'password': ''}
