"""The API status each (vm_state, task_state) pair shows, as Nova maps them."""

import pytest

from novalite.compute import vm_states


@pytest.mark.parametrize('vm_state, task_state, status', [
    ('active', None, 'ACTIVE'),
    ('active', 'rebooting', 'REBOOT'),
    ('active', 'resize_prep', 'RESIZE'),
    ('stopped', 'resize_migrating', 'RESIZE'),
    ('stopped', 'rebooting', 'SHUTOFF'),
    ('active', 'migrating', 'MIGRATING'),
    ('resized', None, 'VERIFY_RESIZE'),
    ('resized', 'resize_reverting', 'REVERT_RESIZE'),
    ('error', 'resize_prep', 'ERROR'),
])
def test_status_of_each_state_pair(vm_state, task_state, status):
    assert vm_states.status(vm_state, task_state) == status
