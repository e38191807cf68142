"""An expired task-state deadline stops the operation on the compute host.

The all-in-one's fake hypervisor takes ``[fake] spawn_seconds`` to spawn, far
past the ``spawning`` deadline: the step hangs as a stuck hypervisor would.
"""

import pathlib
import time

import requests

from tests.functional import all_in_one
from tests.integration.cloud import Cloud

_ADMIN = {'X-Auth-Token': 'admin:admin', 'OpenStack-API-Version': 'compute 2.80'}
_SPAWN_SECONDS = 12


def _server(api, server_id):
    response = requests.get(f'{api}/servers/{server_id}', headers=_ADMIN, timeout=30)
    return None if response.status_code == 404 else response.json()['server']


def test_a_build_past_its_deadline_is_cancelled_and_leaves_no_guest(tmp_path):
    with all_in_one.running(
            tmp_path, defaults='task_state_deadlines = spawning:2\nreap_interval = 1\n',
            sections=f'[fake]\nspawn_seconds = {_SPAWN_SECONDS}\n') as cloud:
        api = cloud.url + '/v2.1'
        booted = time.monotonic()
        response = requests.post(f'{api}/servers', headers=_ADMIN, timeout=30, json={
            'server': {'name': 'hung', 'imageRef': cloud.image, 'flavorRef': '1',
                       'networks': 'none'}})
        server_id = response.json()['server']['id']
        Cloud.wait_for(lambda: _server(api, server_id)['status'] == 'ERROR',
                       'the build to time out', timeout=30)

        # Past the moment the hung spawn would have returned and made a guest.
        time.sleep(max(0.0, booted + _SPAWN_SECONDS + 2 - time.monotonic()))
        server = _server(api, server_id)
        assert server['status'] == 'ERROR'
        assert server['fault']['message'].startswith('Task state spawning timed out')
        assert list(pathlib.Path(tmp_path).rglob(f'{server_id}.json')) == []

        # Nothing holds the instance any more: the delete ends at once.
        deleting = time.monotonic()
        requests.delete(f'{api}/servers/{server_id}', headers=_ADMIN,
                        timeout=30).raise_for_status()
        Cloud.wait_for(lambda: _server(api, server_id) is None, 'the delete', timeout=30)
        assert time.monotonic() - deleting < 10
