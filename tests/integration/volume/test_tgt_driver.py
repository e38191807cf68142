"""The tgt volume driver against a real tgtd: files, targets, CHAP, extend, images.

QEMU's own iSCSI initiator (``qemu-img``) logs in to the targets, as the
guests' QEMU does after an attach.
"""

import json
import os
import subprocess
import uuid

import pytest

from novalite.image import local as local_image
from novalite.volume import drivers
from tests.integration.tgt import qemu_url

pytestmark = pytest.mark.integration


def _volume(size=1):
    return {'uuid': str(uuid.uuid4()), 'size': size}


def _qemu_img(*args):
    return subprocess.run(['qemu-img', *args], capture_output=True, text=True)


def _exported(driver, volume):
    volume.update(driver.create_export(volume))
    return drivers.connection_info(volume)


def test_new_volume_is_a_sparse_file_exported_with_chap(driver, conf):
    volume = _volume()
    driver.create_volume(volume)
    info = _exported(driver, volume)
    path = os.path.join(conf.volume.volumes_dir, volume['uuid'])
    assert os.path.getsize(path) == 1024 ** 3 and os.stat(path).st_blocks == 0
    found = _qemu_img('info', '--output', 'json', qemu_url(info))
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)['virtual-size'] == 1024 ** 3


def test_wrong_chap_password_cannot_log_in(driver):
    volume = _volume()
    driver.create_volume(volume)
    info = _exported(driver, volume)
    found = _qemu_img('info', qemu_url(info, password='wrong-password'))
    assert found.returncode != 0
    assert 'Authentication failure' in found.stderr


def test_delete_removes_target_account_and_file(driver, tgtd, conf):
    volume = _volume()
    driver.create_volume(volume)
    info = _exported(driver, volume)
    driver.remove_export(volume)
    driver.delete_volume(volume)
    assert info['target_iqn'] not in tgtd.targets()
    assert not os.path.exists(os.path.join(conf.volume.volumes_dir, volume['uuid']))


def test_extend_grows_what_the_initiator_sees(driver):
    volume = _volume()
    driver.create_volume(volume)
    info = _exported(driver, volume)
    driver.extend_volume(volume, 2)
    found = _qemu_img('info', '--output', 'json', qemu_url(info))
    assert json.loads(found.stdout)['virtual-size'] == 2 * 1024 ** 3


def test_ensure_export_recreates_a_target_tgtd_forgot(driver, tgtd):
    volume = _volume()
    driver.create_volume(volume)
    info = _exported(driver, volume)
    tid = [line.split()[1].rstrip(':') for line in tgtd.targets().splitlines()
           if info['target_iqn'] in line][0]
    tgtd._tgtadm('--lld', 'iscsi', '--mode', 'target', '--op', 'delete', '--tid', tid)
    driver.ensure_export(volume)
    assert _qemu_img('info', qemu_url(info)).returncode == 0


def test_volume_from_image_carries_the_images_data(driver, conf, tmp_path):
    conf.set_override('images_path', str(tmp_path / 'images'), group='image')
    raw = tmp_path / 'disk.raw'
    raw.write_bytes(b'NOVALITE-IMAGE' + b'\0' * (1024 * 1024 - 14))
    qcow2 = tmp_path / 'disk.qcow2'
    subprocess.run(['qemu-img', 'convert', '-O', 'qcow2', str(raw), str(qcow2)], check=True)
    images = local_image.get_image_service(conf)
    image = images.create('img', str(qcow2), disk_format='qcow2')
    volume = _volume()
    driver.create_volume_from_image(volume, images, image)
    info = _exported(driver, volume)
    out = tmp_path / 'back.raw'
    copied = _qemu_img('dd', '-f', 'raw', '-O', 'raw', 'bs=512', 'count=1', f'if={qemu_url(info)}',
                       f'of={out}')
    assert copied.returncode == 0, copied.stderr
    assert out.read_bytes()[:14] == b'NOVALITE-IMAGE'


def _first_sector(info, tmp_path):
    out = tmp_path / f"sector-{info['volume_id']}.raw"
    copied = _qemu_img('dd', '-f', 'raw', '-O', 'raw', 'bs=512', 'count=1', f'if={qemu_url(info)}',
                       f'of={out}')
    assert copied.returncode == 0, copied.stderr
    return out.read_bytes()


def test_a_volume_made_from_a_snapshot_reads_what_the_volume_held_then(driver, conf,
                                                                       tmp_path):
    volume = _volume()
    driver.create_volume(volume)
    path = os.path.join(conf.volume.volumes_dir, volume['uuid'])
    with open(path, 'r+b') as f:
        f.write(b'BEFORE-SNAPSHOT')
    snapshot = {'uuid': str(uuid.uuid4())}
    driver.create_snapshot(snapshot, volume)
    with open(path, 'r+b') as f:
        f.write(b'AFTER--SNAPSHOT')
    copy = os.path.join(conf.volume.volumes_dir, 'snapshot-' + snapshot['uuid'])
    # Sparse: the 1 GiB volume's copy holds the one block written.
    assert os.path.getsize(copy) == 1024 ** 3 and os.stat(copy).st_blocks * 512 <= 64 * 1024
    restored = _volume(size=2)
    driver.create_volume_from_snapshot(restored, snapshot)
    info = _exported(driver, restored)
    assert _first_sector(info, tmp_path)[:15] == b'BEFORE-SNAPSHOT'
    found = _qemu_img('info', '--output', 'json', qemu_url(info))
    assert json.loads(found.stdout)['virtual-size'] == 2 * 1024 ** 3
    driver.delete_snapshot(snapshot)
    assert not os.path.exists(copy)


def test_a_reimage_replaces_what_the_exported_lun_serves_in_place(driver, conf, tmp_path):
    conf.set_override('images_path', str(tmp_path / 'images'), group='image')
    volume = _volume()
    driver.create_volume(volume)
    info = _exported(driver, volume)
    path = os.path.join(conf.volume.volumes_dir, volume['uuid'])
    with open(path, 'r+b') as f:
        f.write(b'OLD-DATA-OLD-DATA')
        f.seek(512 * 1024)
        f.write(b'OLD-TAIL')
    inode = os.stat(path).st_ino
    raw = tmp_path / 'new.raw'
    raw.write_bytes(b'NEW-IMAGE' + b'\0' * (4096 - 9))
    qcow2 = tmp_path / 'new.qcow2'
    subprocess.run(['qemu-img', 'convert', '-O', 'qcow2', str(raw), str(qcow2)], check=True)
    images = local_image.get_image_service(conf)
    driver.reimage(volume, images, images.create('new', str(qcow2), disk_format='qcow2'))
    assert _first_sector(info, tmp_path)[:17] == b'NEW-IMAGE' + b'\0' * 8
    assert os.stat(path).st_ino == inode and os.path.getsize(path) == 1024 ** 3
    with open(path, 'rb') as f:
        f.seek(512 * 1024)
        assert f.read(8) == b'\0' * 8
