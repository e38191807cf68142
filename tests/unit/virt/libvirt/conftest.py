"""Fixtures of the libvirt driver unit tests: config, a tiny image store, images."""

import pytest

from tests.unit.virt.libvirt.samples import CountingImageService, make_disk


@pytest.fixture
def lv_conf(conf, tmp_path):
    conf.set_override('instances_path', str(tmp_path / 'instances'))
    conf.set_override('connection_uri', 'test:///default', group='libvirt')
    conf.set_override('virt_type', 'qemu', group='libvirt')
    conf.set_override('images_path', str(tmp_path / 'images'), group='image')
    return conf


@pytest.fixture
def images(lv_conf):
    return CountingImageService(lv_conf.image.images_path)


@pytest.fixture
def raw_image(images, tmp_path):
    return images.create('tiny', make_disk(tmp_path / 'tiny.raw'), disk_format='raw')
