"""Host: lifecycle event mapping and reconnecting a dropped connection."""

import pytest

libvirt = pytest.importorskip('libvirt', reason='libvirt-python is the [libvirt] extra')

from novalite.virt import power_state
from novalite.virt.libvirt import host


def test_event_mapping():
    assert host.lifecycle_power_state(libvirt.VIR_DOMAIN_EVENT_STARTED, 0) == \
        power_state.RUNNING
    assert host.lifecycle_power_state(libvirt.VIR_DOMAIN_EVENT_SUSPENDED, 0) == \
        power_state.PAUSED
    assert host.lifecycle_power_state(
        libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_SAVED) == \
        power_state.SUSPENDED
    assert host.lifecycle_power_state(libvirt.VIR_DOMAIN_EVENT_STOPPED, 0) == \
        power_state.SHUTDOWN
    assert host.lifecycle_power_state(libvirt.VIR_DOMAIN_EVENT_DEFINED, 0) is None


def test_a_guest_leaving_by_migration_is_no_power_change_of_its_server():
    assert host.lifecycle_power_state(
        libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_MIGRATED) is None
    assert host.lifecycle_power_state(
        libvirt.VIR_DOMAIN_EVENT_SUSPENDED, libvirt.VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED) is None
    # A migration that failed resumes the guest where it was.
    assert host.lifecycle_power_state(
        libvirt.VIR_DOMAIN_EVENT_RESUMED, libvirt.VIR_DOMAIN_EVENT_RESUMED_MIGRATED) == \
        power_state.RUNNING


def test_dropped_connection_is_reopened():
    h = host.Host('test:///default')
    first = h.get_connection()
    first.close()
    second = h.get_connection()
    assert second is not first
    assert second.getType() == 'TEST'
    h.close()


def test_unreachable_libvirt_raises_hypervisor_unavailable(conf):
    import pytest

    from novalite import exception
    h = host.Host('qemu:///system?socket=/nonexistent/libvirt-sock')
    with pytest.raises(exception.HypervisorUnavailable):
        h.get_connection()


GREEN_SCRIPT = '''
import eventlet
eventlet.monkey_patch()
from novalite import concurrency
from novalite.virt.libvirt import host
seen = []
h = host.Host('test:///default', event_callback=lambda uuid, state: seen.append(state))
conn = h.get_connection()
import uuid
u = str(uuid.uuid4())
dom = conn.defineXML(f"<domain type='test'><name>instance-{u}</name><uuid>{u}</uuid>"
                     "<memory>65536</memory><os><type>hvm</type></os></domain>")
dom.create()
dom.suspend()
dom.resume()
for _ in range(100):
    if len(seen) >= 3:
        break
    concurrency.sleep(0.05)
print('events', seen)
'''


def test_events_reach_green_threads_under_monkey_patching():
    import subprocess
    import sys
    # A child process: monkey patching this one would change every other test.
    out = subprocess.run([sys.executable, '-c', GREEN_SCRIPT], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    running, paused = power_state.RUNNING, power_state.PAUSED
    assert f'events [{running}, {paused}, {running}]' in out.stdout
