"""Live migration pieces of the libvirt driver: flags, XML, the monitor, the checks."""

import os
from unittest import mock

import libvirt
import pytest

from novalite import exception
from novalite.virt.libvirt import driver as libvirt_driver
from novalite.virt.libvirt import migration

XML = '''<domain><devices>
<disk type='file' device='disk'><source file='/i/u1/disk'/><target dev='vda'/></disk>
<disk type='file' device='cdrom'><source file='/i/u1/disk.config'/><target dev='hdd'/>
<readonly/></disk>
<serial type='file'><source path='/i/u1/console.log'/></serial>
</devices></domain>'''


def test_block_migration_copies_the_writable_disks_into_the_destination_directory(lv_conf):
    flags = migration.flags(lv_conf, block_migration=True)
    assert flags & libvirt.VIR_MIGRATE_NON_SHARED_INC and flags & libvirt.VIR_MIGRATE_PEER2PEER
    assert not flags & libvirt.VIR_MIGRATE_UNSAFE
    assert migration.flags(lv_conf, block_migration=False) & libvirt.VIR_MIGRATE_UNSAFE
    assert migration.copied_disks(XML) == ['vda']
    moved = migration.dest_xml(XML, '/i/u1', '/j/u1')
    assert '/i/u1' not in moved and moved.count('/j/u1/') == 3


def test_params_carry_the_data_uri_the_disks_and_the_bandwidth_cap(lv_conf):
    lv_conf.set_override('live_migration_bandwidth', 40, group='libvirt')
    params = migration.params(lv_conf, '10.0.0.2', '<domain/>', ['vda'])
    assert params[libvirt.VIR_MIGRATE_PARAM_URI] == 'tcp://10.0.0.2'
    assert params[libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS] == ['vda']
    assert params[libvirt.VIR_MIGRATE_PARAM_BANDWIDTH] == 40
    assert migration.peer_uri(lv_conf, '10.0.0.2') == 'qemu+tcp://10.0.0.2/system'


def test_downtime_grows_in_steps_to_the_maximum(lv_conf):
    steps = migration.downtime_steps(lv_conf, data_gb=2)
    assert steps[0] == (0, 50) and steps[-1] == (1500, 500)
    assert [ms for _at, ms in steps] == sorted(ms for _at, ms in steps)


def _monitor(lv_conf, stats, **control):
    domain = mock.Mock()
    domain.jobStats.return_value = stats
    reports = []
    ctl = migration.Control()
    for key, value in control.items():
        setattr(ctl, key, value)
    return migration.Monitor(lv_conf, domain, reports.append, ctl, 2 ** 30, False), reports


RUNNING = {'type': libvirt.VIR_DOMAIN_JOB_UNBOUNDED, 'memory_total': 100,
           'memory_processed': 40, 'memory_remaining': 60}


def test_the_monitor_reports_progress_and_steps_the_downtime(lv_conf):
    monitor, reports = _monitor(lv_conf, RUNNING)
    monitor._tick(0)
    assert reports == [{'memory_total': 100, 'memory_processed': 40, 'memory_remaining': 60,
                        'disk_total': 0, 'disk_processed': 0, 'disk_remaining': 0}]
    monitor.domain.migrateSetMaxDowntime.assert_called_once_with(50, 0)
    monitor._tick(76)
    assert monitor.domain.migrateSetMaxDowntime.call_args.args == (95, 0)


@pytest.mark.parametrize('action, aborted, paused', [('abort', True, False),
                                                     ('force_complete', False, True)])
def test_past_the_completion_timeout_the_configured_action_runs(lv_conf, action, aborted,
                                                                 paused):
    lv_conf.set_override('live_migration_completion_timeout', 10, group='libvirt')
    lv_conf.set_override('live_migration_timeout_action', action, group='libvirt')
    monitor, _reports = _monitor(lv_conf, RUNNING)
    monitor._tick(11)
    assert monitor.domain.abortJob.called == aborted
    assert monitor.domain.suspend.called == paused
    assert monitor.control.timed_out


def test_force_complete_uses_post_copy_when_permitted(lv_conf):
    monitor, _reports = _monitor(lv_conf, RUNNING, force=True)
    monitor.post_copy = True
    monitor._tick(1)
    monitor.domain.migrateStartPostCopy.assert_called_once_with(0)
    assert monitor.control.forced == 'postcopy' and not monitor.domain.suspend.called


def test_no_job_no_report(lv_conf):
    monitor, reports = _monitor(lv_conf, {'type': libvirt.VIR_DOMAIN_JOB_NONE})
    monitor._tick(5)
    assert reports == []


@pytest.fixture
def drv(lv_conf, images):
    drv = libvirt_driver.LibvirtDriver(conf=lv_conf, image_service=images)
    drv.init_host('host1')
    yield drv
    drv.cleanup_host('host1')


INSTANCE = {'uuid': 'u1', 'name': 'instance-u1'}


@pytest.mark.parametrize('asked, shared, block', [(None, False, True), (None, True, False),
                                                  (True, False, True), (False, True, False)])
def test_the_probe_file_decides_shared_or_block(drv, asked, shared, block, tmp_path):
    data = drv.check_can_live_migrate_destination(None, INSTANCE, {}, asked)
    if not shared:
        drv.cleanup_live_migration_destination_check(None, data)
    checked = drv.check_can_live_migrate_source(None, INSTANCE, data)
    assert checked['block_migration'] is block and checked['is_shared_instance_path'] is shared
    drv.cleanup_live_migration_destination_check(None, data)
    assert not os.path.exists(os.path.join(drv.conf.instances_path, data['probe']))


@pytest.mark.parametrize('asked, shared, reason', [(True, True, 'is on shared storage'),
                                                   (False, False, 'is not on shared storage')])
def test_a_block_choice_the_storage_contradicts_is_refused(drv, asked, shared, reason):
    data = drv.check_can_live_migrate_destination(None, INSTANCE, {}, asked)
    if not shared:
        drv.cleanup_live_migration_destination_check(None, data)
    with pytest.raises(exception.MigrationPreCheckError, match=reason):
        drv.check_can_live_migrate_source(None, INSTANCE, data)


def test_kvm_compares_the_source_cpu_with_libvirt(drv):
    drv.conf.set_override('virt_type', 'kvm', group='libvirt')
    conn = mock.Mock()
    conn.compareHypervisorCPU.return_value = libvirt.VIR_CPU_COMPARE_INCOMPATIBLE
    with mock.patch.object(drv._host, 'get_connection', return_value=conn):
        with pytest.raises(exception.MigrationPreCheckError, match='incompatible'):
            drv.check_can_live_migrate_destination(
                None, INSTANCE, {'arch': 'x86_64', 'model': 'Haswell', 'vendor': 'Intel',
                                 'features': ['avx2']}, None)
    xml = conn.compareHypervisorCPU.call_args.args[4]
    assert '<model>Haswell</model>' in xml and "<feature name=\"avx2\" />" in xml
