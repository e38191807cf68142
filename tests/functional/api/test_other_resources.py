"""The image proxy, availability zones, key pairs and limits."""

from novalite.db import services as db_services
from tests.functional.api.conftest import boot_body, make_instance

PUBLIC_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ7x2K2xXj3eW1m8pS0kq4cW7u0Ck7fQn1mS8Yx'
              'kL1pZ demo@example')


def test_images_are_proxied_up_to_2_35(api, image):
    [listed] = api.at('2.35').get('/images/detail').json['images']
    assert listed['id'] == image['id'] and listed['status'] == 'ACTIVE'
    assert listed['progress'] == 100 and listed['metadata'] == {'hw_disk_bus': 'virtio'}
    assert listed['OS-EXT-IMG-SIZE:size'] == 1024
    assert api.get(f"/images/{image['id']}").json['image']['name'] == 'cirros'
    assert api.at('2.36').get('/images').status_int == 404


def test_unknown_image_is_not_found(api, image):
    assert api.get('/images/nope').status_int == 404


def test_image_filters(api, image):
    assert api.get('/images?name=cirros').json['images'][0]['id'] == image['id']
    assert api.get('/images?name=other').json['images'] == []


def test_availability_zones_list_available_compute_zones(api, admin, compute_host):
    db_services.service_get_or_create('ctl', 'novalite-conductor', 'conductor')
    zones = api.get('/os-availability-zone').json['availabilityZoneInfo']
    assert zones == [{'zoneName': 'nova', 'zoneState': {'available': True}, 'hosts': None}]
    detail = admin.get('/os-availability-zone/detail').json['availabilityZoneInfo']
    by_name = {zone['zoneName']: zone for zone in detail}
    assert by_name['nova']['hosts']['host1']['nova-compute']['available'] is True
    assert list(by_name['internal']['hosts']['ctl']) == ['nova-conductor']
    assert api.get('/os-availability-zone/detail').status_int == 403


def test_keypair_import_show_list_delete(api, db):
    resp = api.at('2.2').post('/os-keypairs', {'keypair': {'name': 'k1',
                                                          'public_key': PUBLIC_KEY}})
    assert resp.status_int == 201
    assert resp.json['keypair']['fingerprint'].count(':') == 15
    assert resp.json['keypair']['type'] == 'ssh'
    assert api.get('/os-keypairs').json['keypairs'][0]['keypair']['name'] == 'k1'
    assert api.get('/os-keypairs/k1').json['keypair']['user_id'] == 'demo'
    assert api.at('2.2').delete('/os-keypairs/k1').status_int == 204
    assert api.get('/os-keypairs/k1').status_int == 404


def test_keypair_used_at_boot(api, flavor, image):
    api.post('/os-keypairs', {'keypair': {'name': 'k1', 'public_key': PUBLIC_KEY}})
    assert api.post('/servers', boot_body(image, key_name='k1')).status_int == 202


def test_bad_public_keys_are_refused_and_not_stored(api, db):
    resp = api.post('/os-keypairs', {'keypair': {'name': 'bad', 'public_key': 'junk'}})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Keypair data is invalid: failed to generate fingerprint')
    assert api.get('/os-keypairs').json['keypairs'] == []


def test_duplicate_keypair_is_a_conflict(api, db):
    body = {'keypair': {'name': 'k1', 'public_key': PUBLIC_KEY}}
    assert api.post('/os-keypairs', body).status_int == 200
    assert api.post('/os-keypairs', body).status_int == 409


def test_limits_count_the_projects_servers(api, db):
    make_instance()
    absolute = api.get('/limits').json['limits']['absolute']
    assert absolute['totalInstancesUsed'] == 1 and absolute['totalRAMUsed'] == 512
    assert absolute['maxTotalInstances'] == 10
    assert 'maxSecurityGroups' in absolute
    assert 'maxSecurityGroups' not in api.at('2.36').get('/limits').json['limits']['absolute']
