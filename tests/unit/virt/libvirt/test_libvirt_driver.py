"""LibvirtDriver against libvirt's in-process test hypervisor (test:///default).

Real libvirt calls, real qemu-img and config drive; no guest actually runs
and no host network is touched (these instances have no vifs).
"""

import os
import subprocess
import threading
import xml.etree.ElementTree as ET
from unittest import mock

import pytest

libvirt = pytest.importorskip('libvirt', reason='libvirt-python is the [libvirt] extra')

from novalite import exception
from novalite.virt import power_state
from novalite.virt.libvirt import driver as libvirt_driver
from novalite.virt.libvirt import imagebackend, imagecache, live_moves, qemuimg
from novalite.virt.libvirt import volume as libvirt_volume
from tests.unit.virt.libvirt.samples import make_disk, make_instance


@pytest.fixture
def drv(lv_conf, images):
    drv = libvirt_driver.LibvirtDriver(conf=lv_conf, image_service=images)
    drv.init_host('host1')
    created = []
    drv.created = created
    yield drv
    for instance in created:
        drv.destroy(None, instance, [])
    drv.cleanup_host('host1')


def spawn(drv, image, **overrides):
    instance = make_instance(image_ref=image['id'], **overrides)
    drv.created.append(instance)
    drv.spawn(None, instance, image, [], None, [])
    return instance


def domain_xml(drv, instance):
    domain = libvirt.open('test:///default').lookupByName(instance['name'])
    return ET.fromstring(domain.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))


def state(drv, instance):
    return drv.get_info(instance).state


def test_nodes_are_the_configured_host(drv, lv_conf):
    assert drv.get_available_nodes() == [lv_conf.host]


def test_spawn_runs_the_domain_named_after_the_instance(drv, raw_image):
    instance = spawn(drv, raw_image)
    assert state(drv, instance) == power_state.RUNNING
    assert instance['uuid'] in drv.list_instance_uuids()
    dom = domain_xml(drv, instance)
    assert dom.findtext('uuid') == instance['uuid']


def test_spawn_creates_overlay_and_config_drive(drv, raw_image, lv_conf):
    instance = spawn(drv, raw_image, ephemeral_gb=1, swap=64)
    path = os.path.join(lv_conf.instances_path, instance['uuid'])
    assert sorted(os.listdir(path)) == ['disk', 'disk.config', 'disk.eph0', 'disk.swap']
    targets = [(d.find('target').get('dev'), d.find('source').get('file'))
               for d in domain_xml(drv, instance).findall('devices/disk')]
    assert targets == [('vda', f'{path}/disk'), ('vdb', f'{path}/disk.eph0'),
                       ('vdc', f'{path}/disk.swap'), ('hdd', f'{path}/disk.config')]


def test_root_disk_grows_to_the_flavor(drv, raw_image, lv_conf):
    instance = spawn(drv, raw_image, root_gb=1)
    info = qemuimg.info(os.path.join(lv_conf.instances_path, instance['uuid'], 'disk'))
    assert info['virtual-size'] == 1024 ** 3
    assert info['backing-filename'].endswith('/_base/' + imagecache.base_name(raw_image['id']))


def test_zero_root_gb_keeps_the_image_size(drv, raw_image, lv_conf):
    instance = spawn(drv, raw_image)
    info = qemuimg.info(os.path.join(lv_conf.instances_path, instance['uuid'], 'disk'))
    assert info['virtual-size'] == 8 * 1024 ** 2


def test_kernel_and_ramdisk_properties_mean_direct_kernel_boot(drv, images, tmp_path):
    kernel = tmp_path / 'k'
    kernel.write_bytes(b'kernel')
    ramdisk = tmp_path / 'r'
    ramdisk.write_bytes(b'ramdisk')
    aki = images.create('k', str(kernel), disk_format='aki', container_format='aki')
    ari = images.create('r', str(ramdisk), disk_format='ari', container_format='ari')
    disk = images.create('d', make_disk(tmp_path / 'd.raw'), disk_format='raw', properties={
        'kernel_id': aki['id'], 'ramdisk_id': ari['id'], 'os_command_line': 'console=ttyS0'})
    instance = spawn(drv, disk)
    os_el = domain_xml(drv, instance).find('os')
    assert os_el.findtext('kernel').endswith(f"{instance['uuid']}/kernel")
    assert os_el.findtext('initrd').endswith(f"{instance['uuid']}/ramdisk")
    assert os_el.findtext('cmdline') == 'console=ttyS0'


def test_unacceptable_image_leaves_nothing_behind(drv, images, tmp_path, lv_conf):
    liar = images.create('liar', make_disk(tmp_path / 'q', 'qcow2'), disk_format='raw')
    instance = make_instance(image_ref=liar['id'])
    with pytest.raises(exception.ImageUnacceptable):
        drv.spawn(None, instance, liar, [], None, [])
    assert instance['uuid'] not in drv.list_instance_uuids()
    assert not os.path.exists(os.path.join(lv_conf.instances_path, instance['uuid']))
    assert os.listdir(os.path.join(lv_conf.instances_path, '_base')) == []


def test_image_larger_than_flavor_root_disk_is_refused(drv, images, tmp_path):
    big = images.create('big', make_disk(tmp_path / 'b', 'qcow2', size='2G'),
                        disk_format='qcow2')
    with pytest.raises(exception.ImageUnacceptable, match='exceeds'):
        drv.spawn(None, make_instance(image_ref=big['id'], root_gb=1), big, [], None, [])


def test_destroy_is_idempotent_and_removes_everything(drv, raw_image, lv_conf):
    instance = spawn(drv, raw_image)
    drv.destroy(None, instance, [])
    drv.destroy(None, instance, [])
    assert instance['uuid'] not in drv.list_instance_uuids()
    assert not os.path.exists(os.path.join(lv_conf.instances_path, instance['uuid']))
    with pytest.raises(exception.InstanceNotFound):
        drv.get_info(instance)


def test_power_off_and_on(drv, raw_image):
    instance = spawn(drv, raw_image)
    drv.power_off(None, instance, [], timeout=5)
    assert state(drv, instance) == power_state.SHUTDOWN
    drv.power_on(None, instance, [])
    assert state(drv, instance) == power_state.RUNNING


def test_pause_and_unpause(drv, raw_image):
    instance = spawn(drv, raw_image)
    drv.pause(None, instance, [])
    assert state(drv, instance) == power_state.PAUSED
    drv.unpause(None, instance, [])
    assert state(drv, instance) == power_state.RUNNING


def test_suspend_is_a_managed_save_and_resume_restores(drv, raw_image):
    instance = spawn(drv, raw_image)
    drv.suspend(None, instance, [])
    assert state(drv, instance) == power_state.SUSPENDED
    drv.resume(None, instance, [])
    assert state(drv, instance) == power_state.RUNNING


def test_soft_and_hard_reboot_leave_the_guest_running(drv, raw_image):
    instance = spawn(drv, raw_image)
    drv.reboot(None, instance, [], 'SOFT')
    assert state(drv, instance) == power_state.RUNNING
    drv.reboot(None, instance, [], 'HARD')
    assert state(drv, instance) == power_state.RUNNING


def test_hard_reboot_redefines_from_the_instance_files(drv, raw_image):
    instance = spawn(drv, raw_image)
    before = ET.tostring(domain_xml(drv, instance))
    drv.reboot(None, instance, [], 'HARD')
    assert ET.tostring(domain_xml(drv, instance)) == before


def test_console_output_reads_the_log_tail(drv, raw_image, lv_conf):
    instance = spawn(drv, raw_image)
    log = os.path.join(lv_conf.instances_path, instance['uuid'], imagebackend.CONSOLE_LOG)
    with open(log, 'w') as f:
        f.write('x' * 200 * 1024 + 'login:')
    out = drv.get_console_output(None, instance)
    assert out.endswith('login:') and len(out) == libvirt_driver.MAX_CONSOLE_BYTES


def test_available_resource_reports_hypervisor_facts(drv, lv_conf):
    res = drv.get_available_resource(lv_conf.host)
    assert res['hypervisor_type'] == 'TEST'
    assert res['vcpus'] == 16 and res['memory_mb'] > 0
    assert res['local_gb'] > 0 and res['free_disk_gb'] <= res['local_gb']
    assert res['hypervisor_hostname'] == lv_conf.host
    assert res['cpu_info']['arch'] == 'i686'


def test_available_resource_counts_running_instance_guests(drv, raw_image, lv_conf):
    assert drv.get_available_resource(lv_conf.host)['running_vms'] == 0
    running, stopped = spawn(drv, raw_image), spawn(drv, raw_image)
    drv.power_off(None, stopped, [], timeout=0)
    assert drv.get_available_resource(lv_conf.host)['running_vms'] == 1
    assert running['uuid'] in drv.list_instance_uuids()


def test_lifecycle_events_reach_the_registered_listener(drv, raw_image):
    seen = []
    paused = threading.Event()

    def listener(uuid, state):
        seen.append((uuid, state))
        if state == power_state.PAUSED:
            paused.set()

    drv.register_event_listener(listener)
    instance = spawn(drv, raw_image)
    drv.pause(None, instance, [])
    assert paused.wait(10)
    assert (instance['uuid'], power_state.PAUSED) in seen


def test_image_cache_manager_keeps_bases_of_running_instances(drv, raw_image):
    instance = spawn(drv, raw_image)
    drv.manage_image_cache(None, [instance])
    assert drv.image_cache.manage([instance]) == []


def _qemu_io(path, command):
    return subprocess.run(['qemu-io', '-f', 'qcow2', '-c', command, path], check=True,
                          capture_output=True, text=True).stdout


def test_a_live_migration_never_takes_over_a_disk_an_earlier_move_left(drv, raw_image, lv_conf):
    instance = make_instance(image_ref=raw_image['id'])
    path = os.path.join(lv_conf.instances_path, instance['uuid'])
    os.makedirs(path)
    disk = make_disk(os.path.join(path, imagebackend.ROOT), 'qcow2', size='1G')
    _qemu_io(disk, 'write -P 0x5a 0 64k')
    drv.pre_live_migration(None, instance, [], {'is_shared_instance_path': False})
    found = qemuimg.info(disk)
    assert os.path.basename(found['backing-filename']) == imagecache.base_name(raw_image['id'])
    # What the old overlay held is gone: the base's zeros show through.
    assert 'verification failed' not in _qemu_io(disk, 'read -P 0 0 64k')


def _moved_away(drv, raw_image, shared):
    """A guest whose live migration was recorded here before this process died."""
    instance = spawn(drv, raw_image)
    path = drv._instance_dir(instance)
    live_moves._record_live_move(path, {'is_shared_instance_path': shared})
    return instance, path


def test_a_live_migration_completed_after_a_restart_removes_an_unshared_source_directory(
        drv, raw_image):
    instance, path = _moved_away(drv, raw_image, shared=False)
    drv.post_live_migration_at_source(None, instance, [], None)
    assert not os.path.exists(path)


def test_a_live_migration_completed_after_a_restart_keeps_a_shared_directory(drv, raw_image):
    instance, path = _moved_away(drv, raw_image, shared=True)
    drv.post_live_migration_at_source(None, instance, [], None)
    assert os.path.exists(os.path.join(path, imagebackend.ROOT))
    assert not os.path.exists(os.path.join(path, live_moves._LIVE_RECORD))


def test_without_migrate_data_or_a_record_the_source_files_stay(drv, raw_image):
    instance = spawn(drv, raw_image)
    drv.post_live_migration_at_source(None, instance, [], None)
    assert os.path.exists(os.path.join(drv._instance_dir(instance), imagebackend.ROOT))


def test_a_live_migration_that_fails_leaves_no_record_of_itself(drv, raw_image):
    instance = spawn(drv, raw_image)
    with pytest.raises(exception.MigrationError):
        drv.live_migration(None, instance, 'host2', lambda progress: None, True,
                           migrate_data={'dest_addr': '127.0.0.2',
                                         'is_shared_instance_path': False})
    assert not os.path.exists(os.path.join(drv._instance_dir(instance), live_moves._LIVE_RECORD))


def test_a_restart_that_finds_the_guest_still_here_forgets_the_record(drv, raw_image):
    instance, path = _moved_away(drv, raw_image, shared=False)
    assert drv.live_migration_recover(instance)
    assert not os.path.exists(os.path.join(path, live_moves._LIVE_RECORD))
    assert os.path.exists(os.path.join(path, imagebackend.ROOT))


VOLUME = {'target_portal': '10.0.0.1:3260', 'target_iqn': 'iqn.x:volume-v1', 'target_lun': 1,
          'volume_id': 'v1'}


def _volume_disk(portal):
    return libvirt_volume.network_disk_xml(dict(VOLUME, target_portal=portal), 'vdb')


def _volume_host(drv, instance):
    disk = next(d for d in domain_xml(drv, instance).iter('disk') if d.findtext('serial') == 'v1')
    return disk.find('source/host').get('name')


def test_a_resize_to_the_same_host_defines_the_guest_with_its_volume_and_a_revert_repoints_it(
        drv, raw_image, lv_conf):
    instance = make_instance(image_ref=raw_image['id'])
    drv.created.append(instance)
    drv.spawn(None, instance, raw_image, [], None, [], block_device_info={
        'block_device_mapping': [{'mount_device': '/dev/vdb', 'connection_info': {
            'driver_volume_type': 'iscsi', 'data': VOLUME}}]})
    disk_info = drv.migrate_disk_and_power_off(None, instance, lv_conf.host, {}, [])
    drv.finish_migration(None, {}, instance, disk_info, [],
                         volume_disks=[_volume_disk('10.0.0.9:3260')])
    assert _volume_host(drv, instance) == '10.0.0.9'

    drv.destroy(None, instance, [], destroy_disks=False)
    drv.finish_revert_migration(None, instance, [],
                                volume_disks=[_volume_disk('10.0.0.2:3260')])
    assert _volume_host(drv, instance) == '10.0.0.2'
    assert state(drv, instance) == power_state.RUNNING


def test_power_off_of_a_guest_refusing_the_shutdown_request_ends_hard(drv, raw_image):
    instance = spawn(drv, raw_image)
    domain = drv._guest(instance)._domain
    refused = libvirt.libvirtError('Requested operation is not valid: domain is not running')
    with mock.patch.object(type(domain), 'shutdown', side_effect=refused):
        drv.power_off(None, instance, [], timeout=0.3)
    assert state(drv, instance) == power_state.SHUTDOWN
