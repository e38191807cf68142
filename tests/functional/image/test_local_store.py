"""The local image store read in place by a service on its host (create-from-image)."""

import os

import pytest

from novalite import exception
from novalite.image import local as local_image


@pytest.fixture
def store(tmp_path):
    source = tmp_path / 'data.raw'
    source.write_bytes(b'novalite' * 1024)
    service = local_image.LocalImageService(str(tmp_path / 'images'))
    return service, service.create('img', str(source), disk_format='raw')


def test_a_local_reader_gets_the_stored_file_once_its_hash_matches(store):
    service, record = store
    found, path = service.verified_path(record['id'])
    assert found['id'] == record['id']
    assert path == os.path.join(service.images_path, record['id'])


def test_tampered_stored_data_is_refused_in_place_too(store):
    service, record = store
    with open(os.path.join(service.images_path, record['id']), 'r+b') as f:
        f.write(b'X')
    with pytest.raises(exception.ImageUnacceptable, match='os_hash_value'):
        service.verified_path(record['id'])
