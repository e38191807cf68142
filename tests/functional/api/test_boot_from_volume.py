"""``block_device_mapping_v2`` at ``POST /servers``: the API's checks and reservations.

The compute API reaches the Block Storage app in process through the real
Cinder client (the ``volume_api`` fixture); the build's cast lands on the
fake transport, so what is asserted is what the API wrote and reserved.
Messages are Nova's.
"""

import pytest

from novalite import context
from novalite.db import block_device_mappings as db_bdms
from novalite.db import instances as db_instances
from novalite.volume import manager as volume_manager
from tests.functional.api.conftest import boot_body
from tests.functional.api.test_volume_attachments import volume_api  # noqa: F401

MISSING = '3c0e5c9a-1111-4111-8111-111111111111'
CTX = context.RequestContext(user_id='demo', project_id='demo', auth_token='demo:demo')


@pytest.fixture
def make_volume(volume_api, conf):  # noqa: F811
    def make(size=1):
        created = volume_api.create(CTX, size, 'data')
        volume_manager.VolumeManager(conf.host).create_volume(CTX, created['id'])
        return created['id']
    return make


def _servers():
    return db_instances.instance_get_all()


def _from_image(image, **extra):
    return dict({'source_type': 'image', 'destination_type': 'volume', 'boot_index': 0,
                 'uuid': image['id'], 'volume_size': 1}, **extra)


def _bfv(image, mappings, **server):
    server.setdefault('imageRef', None)
    body = boot_body(image, block_device_mapping_v2=mappings, **server)
    if body['server']['imageRef'] is None:
        del body['server']['imageRef']
    return body


def _fault(resp):
    return resp.json_body_or_none['badRequest']['message']


def test_boot_from_an_image_to_a_volume_records_the_boot_volume_to_make(
        api, flavor, image, volume_api):  # noqa: F811
    resp = api.post('/servers', _bfv(image, [_from_image(image, delete_on_termination=True)]))
    assert resp.status_int == 202
    server_id = resp.json['server']['id']
    [bdm] = db_bdms.bdm_get_by_instance(server_id)
    assert (bdm['source_type'], bdm['destination_type'], bdm['boot_index'],
            bdm['image_id'], bdm['volume_size'], bdm['device_name'],
            bdm['delete_on_termination'], bdm['volume_id']) == (
        'image', 'volume', 0, image['id'], 1, '/dev/vda', True, None)
    shown = api.get(f'/servers/{server_id}').json['server']
    assert shown['image'] == ''
    assert db_instances.instance_get(server_id)['image_ref'] == ''


def test_boot_from_an_existing_volume_reserves_it(api, flavor, image, make_volume,
                                                  volume_api):  # noqa: F811
    volume_id = make_volume()
    resp = api.post('/servers', _bfv(image, [{'source_type': 'volume', 'boot_index': '0',
                                              'uuid': volume_id}]))
    assert resp.status_int == 202
    [bdm] = db_bdms.bdm_get_by_instance(resp.json['server']['id'])
    assert bdm['volume_id'] == volume_id and bdm['attachment_id']
    assert volume_api.get(CTX, volume_id)['status'] == 'reserved'


def test_a_volume_another_boot_took_is_400_and_creates_nothing(api, flavor, image,
                                                               make_volume,
                                                               volume_api):  # noqa: F811
    volume_id = make_volume()
    mapping = [{'source_type': 'volume', 'destination_type': 'volume', 'boot_index': 0,
                'uuid': volume_id}]
    assert api.post('/servers', _bfv(image, mapping)).status_int == 202
    resp = api.post('/servers', _bfv(image, mapping))
    assert resp.status_int == 400
    assert "status must be 'available'" in _fault(resp)
    assert len(_servers()) == 1


def test_image_boot_with_an_extra_blank_volume_records_it_at_vdb(api, flavor, image,
                                                                volume_api):  # noqa: F811
    resp = api.post('/servers', boot_body(image, block_device_mapping_v2=[
        {'source_type': 'image', 'destination_type': 'local', 'boot_index': 0,
         'uuid': image['id']},
        {'source_type': 'blank', 'destination_type': 'volume', 'volume_size': 2}]))
    assert resp.status_int == 202
    [bdm] = db_bdms.bdm_get_by_instance(resp.json['server']['id'])
    assert (bdm['source_type'], bdm['device_name'], bdm['boot_index']) == \
        ('blank', '/dev/vdb', None)
    assert db_instances.instance_get(resp.json['server']['id'])['image_ref'] == image['id']


@pytest.mark.parametrize('mappings, server, message', [
    ([{'source_type': 'volume', 'uuid': MISSING, 'boot_index': -1}], {'imageRef': 'IMG'},
     'Block Device Mapping is Invalid: Boot sequence for the instance and image/block '
     'device mapping combination is not valid.'),
    ([{'source_type': 'image', 'destination_type': 'volume', 'boot_index': 0,
       'uuid': 'IMG'}], {},
     "Block Device Mapping is Invalid: Images with destination_type 'volume' need to have "
     "a non-zero size specified"),
    ([{'source_type': 'blank', 'destination_type': 'volume', 'boot_index': 0}], {},
     "Block Device Mapping is Invalid: Blank volumes (source: 'blank', dest: 'volume') "
     "need to have non-zero size"),
    ([{'source_type': 'volume', 'destination_type': 'volume', 'boot_index': 0,
       'uuid': MISSING}], {},
     f'Block Device Mapping is Invalid: failed to get volume {MISSING}.'),
    ([{'source_type': 'image', 'destination_type': 'volume', 'boot_index': 0,
       'uuid': MISSING, 'volume_size': 1}], {},
     f'Block Device Mapping is Invalid: failed to get image {MISSING}.'),
    ([{'source_type': 'image', 'destination_type': 'local', 'boot_index': 0,
       'uuid': 'IMG'}], {},
     'Block Device Mapping is Invalid: Mapping image to local is not supported.'),
    ([{'source_type': 'blank', 'destination_type': 'volume', 'boot_index': 0,
       'uuid': MISSING, 'volume_size': 1}], {},
     'Block Device Mapping is Invalid: Invalid device UUID.'),
    ([{'source_type': 'volume', 'destination_type': 'volume', 'boot_index': 0}], {},
     'Block Device Mapping is Invalid: Missing device UUID.'),
    ([{'source_type': 'snapshot', 'destination_type': 'volume', 'boot_index': 0,
       'uuid': MISSING}], {},
     f'Block Device Mapping is Invalid: failed to get snapshot {MISSING}.'),
    ([{'source_type': 'volume', 'destination_type': 'volume', 'boot_index': 0,
       'uuid': MISSING}], {'min_count': 2},
     'Cannot attach one or more volumes to multiple instances'),
])
def test_mappings_nova_refuses_are_400_with_its_message_and_create_nothing(
        api, flavor, image, volume_api, mappings, server, message):  # noqa: F811
    mappings = [{k: image['id'] if v == 'IMG' else v for k, v in m.items()} for m in mappings]
    server = {k: image['id'] if v == 'IMG' else v for k, v in server.items()}
    resp = api.post('/servers', _bfv(image, mappings, **server))
    assert resp.status_int == 400, resp.body
    assert _fault(resp) == message
    assert _servers() == []


def test_a_boot_volume_smaller_than_the_image_needs_is_400(api, flavor, image, conf,
                                                           volume_api):  # noqa: F811
    from novalite.image import local as local_image
    big = local_image.get_image_service(conf).create('big', __file__, min_disk=2)
    resp = api.post('/servers', _bfv(image, [_from_image(big)]))
    assert resp.status_int == 400
    assert _fault(resp) == ('Volume is smaller than the minimum size specified in image '
                            'metadata. Volume size is 1073741824 bytes, minimum size is '
                            '2147483648 bytes.')
    assert _servers() == []
