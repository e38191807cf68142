"""New volumes read zeros whatever deletes and creates came before (issue #11's stale mark).

Once, right after the kill tests, a guest found another volume's mark on a
new blank volume. These tests drive the tgt driver against a real tgtd in
the patterns those tests leave behind (targets deleted under open sessions,
a delete that never ran, a create interrupted after its export) and read
each new volume through QEMU's own iSCSI initiator, as a guest's QEMU does.
"""

import os
import re
import subprocess
import time
import uuid

import pytest

from novalite.volume import drivers
from tests.integration.tgt import qemu_url

pytestmark = pytest.mark.integration

SECTOR = 512


def _new_volume(driver):
    volume = {'uuid': str(uuid.uuid4()), 'size': 1}
    driver.create_volume(volume)
    volume.update(driver.create_export(volume))
    return volume, drivers.connection_info(volume)


def _delete(driver, volume):
    driver.remove_export(volume)
    driver.delete_volume(volume)


def _tid(volume):
    return int(volume['provider_location'].split()[0].split(',')[1])


def _write_mark(info, byte):
    """Fill the first sector with ``byte`` through the initiator."""
    done = subprocess.run(['qemu-io', '-f', 'raw', '-c', f'write -P {byte:#x} 0 {SECTOR}',
                           qemu_url(info)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and 'wrote' in done.stdout, done.stdout + done.stderr


def _first_sector(info, tmp_path, password=None):
    out = tmp_path / f'sector-{uuid.uuid4()}.raw'
    done = subprocess.run(['qemu-img', 'dd', '-f', 'raw', '-O', 'raw', f'bs={SECTOR}',
                           'count=1', f'if={qemu_url(info, password)}', f'of={out}'],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def _iqns(tgtd):
    return re.findall(r'^Target \d+: (\S+)$', tgtd.targets(), re.MULTILINE)


def test_each_new_volume_reads_zeros_where_deleted_ones_were_written_and_ids_are_not_reused(
        driver, tmp_path):
    tids = []
    for byte in (0x41, 0x42, 0x43):
        volume, info = _new_volume(driver)
        tids.append(_tid(volume))
        assert _first_sector(info, tmp_path) == b'\0' * SECTOR
        _write_mark(info, byte)
        assert _first_sector(info, tmp_path) == bytes([byte]) * SECTOR
        _delete(driver, volume)
    assert tids == sorted(set(tids))


def test_a_session_left_open_on_a_deleted_volume_never_reaches_the_next_volume(
        driver, tgtd, tmp_path):
    old, old_info = _new_volume(driver)
    held = subprocess.Popen(['qemu-io', '-f', 'raw', qemu_url(old_info)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        held.stdin.write(f'read 0 {SECTOR}\n')
        held.stdin.flush()
        time.sleep(1)
        _delete(driver, old)
        new, new_info = _new_volume(driver)
        # The guest's QEMU keeps writing to the disk it had: its initiator
        # tries to log in again by the deleted target's name.
        held.stdin.write(f'write -P 0x4f 0 {SECTOR}\nflush\n')
        held.stdin.flush()
        time.sleep(2)
    finally:
        held.kill()
        held.wait()
    assert _first_sector(new_info, tmp_path) == b'\0' * SECTOR
    assert old_info['target_iqn'] not in _iqns(tgtd)
    _delete(driver, new)


def test_new_volumes_read_zeros_beside_a_target_whose_delete_never_ran(driver, tgtd,
                                                                      tmp_path):
    # The volume service was killed before the delete's first step.
    stuck, stuck_info = _new_volume(driver)
    _write_mark(stuck_info, 0x53)
    new, new_info = _new_volume(driver)
    assert _first_sector(new_info, tmp_path) == b'\0' * SECTOR
    assert _first_sector(stuck_info, tmp_path) == b'\x53' * SECTOR
    # The restarted service deletes it (init_host: deleting).
    _delete(driver, stuck)
    assert stuck_info['target_iqn'] not in _iqns(tgtd)
    assert _first_sector(new_info, tmp_path) == b'\0' * SECTOR
    _delete(driver, new)


def test_a_volume_made_again_after_an_interrupted_create_serves_its_new_file_and_password(
        driver, tgtd, tmp_path):
    volume, first_info = _new_volume(driver)
    _write_mark(first_info, 0x58)
    # Killed after the export, before the row said available: init_host
    # removes the file and makes the volume again, under the same IQN.
    driver.delete_volume(volume)
    driver.create_volume(volume)
    volume.update(driver.create_export(volume))
    info = drivers.connection_info(volume)
    assert info['auth_password'] != first_info['auth_password']
    assert _iqns(tgtd).count(info['target_iqn']) == 1
    assert _first_sector(info, tmp_path) == b'\0' * SECTOR
    _delete(driver, volume)


def test_deleting_a_volume_whose_export_was_never_recorded_removes_its_target(driver, tgtd):
    volume, info = _new_volume(driver)
    unrecorded = {'uuid': volume['uuid'], 'size': 1, 'provider_location': None,
                  'provider_auth': None}
    _delete(driver, unrecorded)
    assert info['target_iqn'] not in _iqns(tgtd)
    assert not os.path.exists(os.path.join(driver.conf.volume.volumes_dir, volume['uuid']))
