"""The _base image cache: download once, verify, reject, age out."""

import concurrent.futures
import os
import time

import pytest

from novalite import exception
from novalite.virt.libvirt import imagecache
from tests.unit.virt.libvirt.samples import make_disk


@pytest.fixture
def cache(lv_conf, images):
    return imagecache.ImageCache(lv_conf.instances_path, images, lv_conf)


def test_base_is_named_by_the_sha1_of_the_image_id(cache, raw_image):
    path, info = cache.fetch(raw_image['id'])
    assert os.path.basename(path) == imagecache.base_name(raw_image['id'])
    assert os.path.dirname(path).endswith('/_base')
    assert info['format'] == 'raw'
    assert info['virtual-size'] == 8 * 1024 * 1024


def test_concurrent_fetches_download_once(cache, images, raw_image):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(lambda _: cache.fetch(raw_image['id'])[0], range(4)))
    assert len(set(paths)) == 1
    assert images.downloads == {raw_image['id']: 1}


def test_a_cached_base_is_inspected_once_and_again_when_replaced(cache, raw_image, monkeypatch):
    inspected = []
    real = imagecache.qemuimg.info
    monkeypatch.setattr(imagecache.qemuimg, 'info',
                        lambda path, **kw: inspected.append(path) or real(path, **kw))
    path, first = cache.fetch(raw_image['id'])
    assert cache.fetch(raw_image['id']) == (path, first)
    # Download and use: the base was inspected twice, not three times.
    assert len(inspected) == 2
    make_disk(path + '.new', 'qcow2')
    os.replace(path + '.new', path)
    with pytest.raises(exception.ImageUnacceptable, match='disk_format is raw'):
        cache.fetch(raw_image['id'])


def test_checksum_mismatch_is_rejected_and_leaves_no_base(cache, raw_image):
    meta = dict(raw_image, checksum='0' * 32)
    with pytest.raises(exception.ImageUnacceptable, match='checksum'):
        cache.fetch(raw_image['id'], meta)
    assert os.listdir(cache.base_dir) == []


def test_size_mismatch_is_rejected(cache, raw_image):
    with pytest.raises(exception.ImageUnacceptable, match='size'):
        cache.fetch(raw_image['id'], dict(raw_image, size=1))


def test_qcow2_data_labelled_raw_is_rejected(cache, images, tmp_path):
    image = images.create('liar', make_disk(tmp_path / 'q.qcow2', 'qcow2'), disk_format='raw')
    with pytest.raises(exception.ImageUnacceptable, match='disk_format is raw but the data '
                                                          'is qcow2'):
        cache.fetch(image['id'])
    assert os.listdir(cache.base_dir) == []


def test_qcow2_with_backing_file_is_rejected(cache, images, tmp_path):
    backing = make_disk(tmp_path / 'secret.raw')
    image = images.create('sneaky', make_disk(tmp_path / 'b.qcow2', 'qcow2', backing=backing),
                          disk_format='qcow2')
    with pytest.raises(exception.ImageUnacceptable, match='backing file'):
        cache.fetch(image['id'])
    assert os.listdir(cache.base_dir) == []


def test_kernel_images_are_not_inspected(cache, images, tmp_path):
    kernel = tmp_path / 'vmlinuz'
    kernel.write_bytes(b'\x7fELF not really a kernel')
    image = images.create('k', str(kernel), disk_format='aki', container_format='aki')
    path, info = cache.fetch(image['id'])
    assert info is None
    assert open(path, 'rb').read() == kernel.read_bytes()


def test_unsupported_disk_format_is_rejected(cache, raw_image):
    with pytest.raises(exception.ImageUnacceptable, match='not supported'):
        cache.fetch(raw_image['id'], dict(raw_image, disk_format='vmdk'))


def test_manage_removes_only_old_unused_bases(cache, lv_conf, images, tmp_path, raw_image):
    other = images.create('other', make_disk(tmp_path / 'o.raw'), disk_format='raw')
    used_path, _ = cache.fetch(raw_image['id'])
    unused_path, _ = cache.fetch(other['id'])
    day_ago = time.time() - 2 * 86400
    for path in (used_path, unused_path):
        os.utime(path, (day_ago, day_ago))
    removed = cache.manage([{'image_ref': raw_image['id']}])
    assert removed == [imagecache.base_name(other['id'])]
    assert os.path.exists(used_path) and not os.path.exists(unused_path)
    assert time.time() - os.stat(used_path).st_mtime < 60


def test_manage_keeps_recently_used_bases(cache, raw_image):
    path, _ = cache.fetch(raw_image['id'])
    assert cache.manage([]) == []
    assert os.path.exists(path)


def test_precache_downloads_a_missing_base_and_says_so(cache, images, raw_image):
    assert cache.precache(raw_image['id']) is True
    assert os.path.exists(cache.path(raw_image['id']))
    assert images.downloads == {raw_image['id']: 1}


def test_precache_of_a_cached_base_downloads_nothing(cache, images, raw_image):
    cache.fetch(raw_image['id'])
    assert cache.precache(raw_image['id']) is False
    assert images.downloads == {raw_image['id']: 1}


def test_a_fetch_after_precache_downloads_nothing(cache, images, raw_image):
    cache.precache(raw_image['id'])
    path, _info = cache.fetch(raw_image['id'])
    assert path == cache.path(raw_image['id'])
    assert images.downloads == {raw_image['id']: 1}


def test_precache_of_an_unknown_image_raises_and_leaves_no_base(cache):
    with pytest.raises(exception.ImageNotFound):
        cache.precache('0b1ec700-0000-4000-8000-000000000000')
    assert os.listdir(cache.base_dir) == []


def test_downloads_beyond_max_concurrent_disk_ops_wait(lv_conf, images, tmp_path):
    import eventlet
    lv_conf.set_override('max_concurrent_disk_ops', 1, group='compute')
    running, most = [0], [0]
    download = images.download

    def slow_download(image_id, dest_path):
        running[0] += 1
        most[0] = max(most[0], running[0])
        eventlet.sleep(0.05)
        running[0] -= 1
        return download(image_id, dest_path)

    images.download = slow_download
    cache = imagecache.ImageCache(lv_conf.instances_path, images, lv_conf)
    ids = [images.create(f'i{n}', make_disk(tmp_path / f'{n}.raw'), disk_format='raw')['id']
           for n in range(3)]
    pool = eventlet.GreenPool()
    assert list(pool.imap(cache.precache, ids)) == [True, True, True]
    assert most == [1]
