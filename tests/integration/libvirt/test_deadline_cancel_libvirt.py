"""A stop that hangs on a real guest is cancelled at its task state's deadline.

The guest is paused behind novalite's back, as a wedged guest would be: it
never answers the ACPI power button, so the libvirt driver's clean shutdown
would wait out ``[compute] shutdown_timeout`` (120 s here) and then destroy
the guest. With ``powering-off`` given 8 s, the compute host's reaper ends
the task and cancels the stop instead: the server is ACTIVE again with a
fault naming the step, its domain is left as it was (the cancelled stop
never reached its hard destroy), and nothing holds the server for the next
action.
"""

import time

import libvirt
import pytest

from tests.integration.libvirt import fullstack

pytestmark = pytest.mark.integration

FLAVOR = {'name': 'tiny', 'ram': 192, 'vcpus': 1, 'disk': 1, 'id': '100'}
_DEADLINE = 8
_SHUTDOWN_TIMEOUT = 120


@pytest.fixture(scope='module')
def cloud(harness, guest_files, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('deadline')
    made = fullstack.LibvirtCloud(
        harness, workdir, f'sqlite:///{workdir}/novalite.sqlite', options={
            'DEFAULT': {'task_state_deadlines': f'powering-off:{_DEADLINE}',
                        'reap_interval': 1},
            'compute': {'shutdown_timeout': _SHUTDOWN_TIMEOUT}})
    with fullstack.running_cloud(made, guest_files, [FLAVOR]) as started:
        yield started


def _stop_events(cloud, server_id):
    """The events of the server's stop action, once the action has ended."""
    (stop,) = [a for a in cloud.client.servers.actions(server_id) if a['action'] == 'stop']
    if stop['message'] is None:
        return None
    return cloud.client.servers.action(server_id, stop['request_id'])['events']


def test_a_stop_hung_on_a_paused_guest_is_cancelled_and_the_guest_left_alone(cloud):
    server = cloud.client.servers.create('wedged', cloud.images['kernel_boot'], FLAVOR['id'])
    fullstack.wait_settled(cloud, server['id'], 'ACTIVE')
    cloud.wait_console(server['id'], 'NOVALITE-GUEST boot')
    cloud.domain(server['id']).suspend()

    asked = time.monotonic()
    cloud.client.servers.stop(server['id'])
    cloud.wait_for(lambda: _stop_events(cloud, server['id']), 'the stop to end', timeout=90)
    gave_up_after = time.monotonic() - asked
    fullstack.wait_settled(cloud, server['id'], 'ACTIVE')
    (event,) = _stop_events(cloud, server['id'])
    assert (event['event'], event['result']) == ('compute_stop_instance', 'Error')
    assert 'TaskCancelled: Task state powering-off timed out' in event['traceback']
    # Well before the clean shutdown would have given up and destroyed it.
    assert gave_up_after < _SHUTDOWN_TIMEOUT - 30
    assert cloud.domain_state(server['id']) == libvirt.VIR_DOMAIN_PAUSED

    cloud.client.servers.reboot(server['id'], hard=True)
    cloud.wait_for(lambda: cloud.domain_state(server['id']) == libvirt.VIR_DOMAIN_RUNNING,
                   'the hard reboot to start the guest again', timeout=60)
    fullstack.wait_settled(cloud, server['id'], 'ACTIVE')
    assert time.monotonic() - asked < _SHUTDOWN_TIMEOUT
