"""An expired task-state deadline stops the operation on the compute host.

The all-in-one's fake hypervisor takes ``[fake] spawn_seconds`` to spawn (or
``snapshot_seconds`` to snapshot), far past the step's deadline: the step
hangs as a stuck hypervisor would.
"""

import pathlib
import time

import pytest
import requests

from tests.functional import all_in_one
from tests.integration.cloud import Cloud

# 2 s deadlines and a 1 s reaper against a busy machine: run alone (tools/run-tests.sh).
pytestmark = pytest.mark.serial

_ADMIN = {'X-Auth-Token': 'admin:admin', 'OpenStack-API-Version': 'compute 2.80'}
# The image proxy exists up to 2.35.
_IMAGES = {**_ADMIN, 'OpenStack-API-Version': 'compute 2.35'}
_SPAWN_SECONDS = 12


def _boot(api, image, **server):
    response = requests.post(f'{api}/servers', headers=_ADMIN, timeout=30, json={
        'server': dict(server, imageRef=image, flavorRef='1', networks='none')})
    response.raise_for_status()
    return response.json()['server']['id']


def _server(api, server_id):
    response = requests.get(f'{api}/servers/{server_id}', headers=_ADMIN, timeout=30)
    return None if response.status_code == 404 else response.json()['server']


def test_a_build_past_its_deadline_is_cancelled_and_leaves_no_guest(tmp_path):
    with all_in_one.running(
            tmp_path, defaults='task_state_deadlines = spawning:2\nreap_interval = 1\n',
            sections=f'[fake]\nspawn_seconds = {_SPAWN_SECONDS}\n') as cloud:
        api = cloud.url + '/v2.1'
        booted = time.monotonic()
        server_id = _boot(api, cloud.image, name='hung')
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


def test_a_snapshot_past_its_deadline_is_cancelled_and_its_image_deleted(tmp_path):
    with all_in_one.running(
            tmp_path, defaults='task_state_deadlines = image_snapshot:2\nreap_interval = 1\n',
            sections='[fake]\nsnapshot_seconds = 30\n') as cloud:
        api = cloud.url + '/v2.1'
        server_id = _boot(api, cloud.image, name='snapped')
        Cloud.wait_for(lambda: _server(api, server_id)['status'] == 'ACTIVE', 'the build')
        asked = time.monotonic()
        response = requests.post(f'{api}/servers/{server_id}/action', headers=_ADMIN,
                                 timeout=30, json={'createImage': {'name': 'stuck'}})
        image_id = response.json()['image_id']
        assert requests.get(f'{api}/images/{image_id}', headers=_IMAGES,
                            timeout=30).status_code == 200

        # The hung capture gave up at the deadline: its image is deleted, the
        # server back to ACTIVE with no task, and the action says it failed.
        Cloud.wait_for(lambda: requests.get(f'{api}/images/{image_id}', headers=_IMAGES,
                                            timeout=30).status_code == 404,
                       'the image to be deleted', timeout=15)
        server = _server(api, server_id)
        assert (server['status'], server['OS-EXT-STS:task_state']) == ('ACTIVE', None)

        def snapshots():
            actions = requests.get(f'{api}/servers/{server_id}/os-instance-actions',
                                   headers=_ADMIN, timeout=30).json()['instanceActions']
            return [(a['action'], a['message']) for a in actions
                    if a['action'] == 'createImage']
        # The action's end is recorded after the image and the server's state.
        Cloud.wait_for(lambda: snapshots()[0][1] is not None, 'the action to end', timeout=10)
        assert snapshots() == [('createImage', 'Error')]
        # Nothing holds the server any more: the next action does not wait
        # out the 30 s capture.
        requests.post(f'{api}/servers/{server_id}/action', headers=_ADMIN, timeout=30,
                      json={'os-stop': None}).raise_for_status()
        Cloud.wait_for(lambda: _server(api, server_id)['status'] == 'SHUTOFF', 'the stop',
                       timeout=20)
        # Well before the 30 s capture would have ended (slack for a loaded machine).
        assert time.monotonic() - asked < 27
