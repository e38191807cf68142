"""novalite-volume killed in the middle of its slow steps, on real tgtd and MariaDB.

The daemon runs as in production (RabbitMQ, MariaDB, the tgt driver and a
private tgtd). It is killed with SIGKILL while it writes an image into a new
volume, and while it copies a volume into a snapshot; after a restart each
is ``available`` with the whole of its data, never left ``creating``. A
re-image (``os-reimage``) writes the new image over the volume's file; one
killed midway leaves the volume in ``error`` (its data is half the old,
half the new), as Cinder does, and a second re-image makes it whole.
"""

import os
import subprocess

import pytest
import requests

from tests.integration import tgt as tgt_server
from tests.integration.cloud import Cloud, free_port

pytestmark = pytest.mark.integration

USER = {'X-Auth-Token': 'demo:demo'}
GiB = 1024 ** 3
# Enough data that writing it into a volume takes a few seconds.
DATA_GiB = 1.5


@pytest.fixture
def storage(tmp_path, mariadb_url):
    try:
        tgtd = tgt_server.TgtServer().start()
    except tgt_server.TgtUnavailable as exc:
        pytest.skip(str(exc))
    port = free_port()
    cloud = Cloud(tmp_path, mariadb_url, computes=0, options={'volume': {
        'port': port, 'volume_driver': 'tgt', 'volumes_dir': str(tmp_path / 'volumes'),
        'tgt_control_port': tgtd.control_port, 'target_port': tgtd.portal_port,
        'target_ip_address': '127.0.0.1'}})
    try:
        cloud.start()
        cloud.spawn('volume', 'novalite-volume', str(tmp_path / 'controller.conf'))
        cloud.url = f'http://127.0.0.1:{port}/v3/demo'
        cloud.volumes_dir = tmp_path / 'volumes'
        cloud.wait_for(lambda: requests.get(f'{cloud.url}/volumes', headers=USER).ok,
                       'novalite-volume to answer')
        yield cloud
    finally:
        cloud.stop()
        tgtd.stop()


def _big_image(cloud, tmp_path):
    path = tmp_path / 'big.qcow2'
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', str(path), '2G'], check=True)
    subprocess.run(['qemu-io', '-f', 'qcow2', '-c',
                    f'write -q -P 0xab 0 {int(DATA_GiB * GiB)}', str(path)], check=True)
    return cloud.create_image('big', str(path), disk_format='qcow2'), path


def _status(cloud, kind, ident):
    return requests.get(f'{cloud.url}/{kind}s/{ident}', headers=USER).json()[kind]['status']


def _kill_once_written(cloud, path, kind, ident):
    """SIGKILL the daemon (its API with it) as soon as ``path`` exists, while the
    record is still creating."""
    cloud.wait_for(path.exists, f'{path.name} to be written', interval=0.05)
    assert _status(cloud, kind, ident) == 'creating'
    cloud.kill('volume')


def _reimage(cloud, volume_id, image_id):
    resp = requests.post(f'{cloud.url}/volumes/{volume_id}/action', json={
        'os-reimage': {'image_id': image_id}},
        headers=dict(USER, **{'OpenStack-API-Version': 'volume 3.68'}))
    assert resp.status_code == 202, resp.text


def _restart(cloud):
    cloud.restart('volume')
    cloud.wait_for(lambda: requests.get(f'{cloud.url}/volumes', headers=USER).ok,
                   'novalite-volume to answer again')


def _identical(first, second, first_format='raw', second_format='raw'):
    done = subprocess.run(['qemu-img', 'compare', '-f', first_format, '-F', second_format,
                           str(first), str(second)], capture_output=True, text=True)
    return done.returncode == 0


def test_a_volume_and_a_snapshot_cut_short_by_a_kill_are_made_whole_at_restart(
        storage, tmp_path):
    image_id, image_path = _big_image(storage, tmp_path)
    volume = requests.post(f'{storage.url}/volumes', headers=USER, json={'volume': {
        'size': 2, 'imageRef': image_id}}).json()['volume']
    volume_path = storage.volumes_dir / volume['id']
    _kill_once_written(storage, volume_path, 'volume', volume['id'])
    _restart(storage)
    storage.wait_for(lambda: _status(storage, 'volume', volume['id']) != 'creating',
                     'the volume to leave creating', timeout=180)
    assert _status(storage, 'volume', volume['id']) == 'available'
    assert f"Volume {volume['id']} was being created" in storage.log('volume')
    assert _identical(volume_path, image_path, second_format='qcow2')

    snapshot = requests.post(f'{storage.url}/snapshots', headers=USER, json={'snapshot': {
        'volume_id': volume['id']}}).json()['snapshot']
    snapshot_path = storage.volumes_dir / f"snapshot-{snapshot['id']}"
    _kill_once_written(storage, snapshot_path, 'snapshot', snapshot['id'])
    _restart(storage)
    storage.wait_for(lambda: _status(storage, 'snapshot', snapshot['id']) != 'creating',
                     'the snapshot to leave creating', timeout=180)
    assert _status(storage, 'snapshot', snapshot['id']) == 'available'
    assert f"Snapshot {snapshot['id']} was being taken" in storage.log('volume')
    assert _identical(snapshot_path, volume_path)
    assert os.path.getsize(snapshot_path) == 2 * GiB


def test_a_reimage_writes_the_image_over_the_volume_and_one_cut_short_ends_in_error(
        storage, tmp_path):
    small = tmp_path / 'small.raw'
    small.write_bytes(b'FIRST-IMAGE'.ljust(1024 * 1024, b'\0'))
    volume = requests.post(f'{storage.url}/volumes', headers=USER, json={'volume': {
        'size': 2, 'imageRef': storage.create_image('small', str(small), disk_format='raw')}}
    ).json()['volume']
    storage.wait_for(lambda: _status(storage, 'volume', volume['id']) == 'available',
                     'the volume to be made', timeout=120)
    volume_path = storage.volumes_dir / volume['id']
    image_id, image_path = _big_image(storage, tmp_path)
    inode = os.stat(volume_path).st_ino
    _reimage(storage, volume['id'], image_id)
    storage.wait_for(lambda: _status(storage, 'volume', volume['id']) != 'downloading',
                     'the re-image to end', timeout=180)
    assert _status(storage, 'volume', volume['id']) == 'available'
    assert _identical(volume_path, image_path, second_format='qcow2')
    assert os.stat(volume_path).st_ino == inode

    _reimage(storage, volume['id'], image_id)
    # Killed while qemu-img writes into the volume.
    storage.wait_for(lambda: _writing(volume_path), 'qemu-img to write the volume',
                     interval=0.05, timeout=60)
    assert _status(storage, 'volume', volume['id']) == 'downloading'
    storage.kill('volume')
    _restart(storage)
    # The API answers before the daemon's start has settled what it left.
    storage.wait_for(lambda: _status(storage, 'volume', volume['id']) != 'downloading',
                     'the volume to leave downloading', timeout=60)
    assert _status(storage, 'volume', volume['id']) == 'error'
    assert f"Volume {volume['id']} was being re-imaged" in storage.log('volume')
    # An error volume may be re-imaged; it goes back to error, its status before.
    _reimage(storage, volume['id'], image_id)
    storage.wait_for(lambda: _status(storage, 'volume', volume['id']) != 'downloading',
                     'the second re-image to end', timeout=180)
    assert _status(storage, 'volume', volume['id']) == 'error'
    assert _identical(volume_path, image_path, second_format='qcow2')


def _writing(path):
    """True while a ``qemu-img convert`` writes ``path``."""
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                words = f.read().split(b'\0')
        except OSError:
            continue
        if words[:2] == [b'qemu-img', b'convert'] and str(path).encode() in words:
            return True
    return False
