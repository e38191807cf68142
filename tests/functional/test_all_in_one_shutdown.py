"""SIGTERM stops the all-in-one in bounded time, even while a hypervisor call hangs.

The fake hypervisor's spawn takes ten minutes, as a hung one would. A stop
waits ``[compute] shutdown_operation_wait`` (2 s here) for running
operations, then cancels them; oslo.service's ``graceful_shutdown_timeout``
(set far above, 300 s) is not what ends the process.
"""

import signal
import time

import requests

from tests.functional import all_in_one
from tests.integration.cloud import Cloud

_ADMIN = {'X-Auth-Token': 'admin:admin', 'OpenStack-API-Version': 'compute 2.80'}
# The operation wait, the cancelled build undoing itself and every service
# stopping, with room for a loaded 2-core machine; the hung spawn takes 600 s.
_STOPPED_WITHIN = 45


def _task_state(api, server_id):
    response = requests.get(f'{api}/servers/{server_id}', headers=_ADMIN, timeout=30)
    return response.json()['server']['OS-EXT-STS:task_state']


def test_sigterm_during_a_hung_spawn_stops_the_process_after_the_operation_wait(tmp_path):
    with all_in_one.running(
            tmp_path, defaults='graceful_shutdown_timeout = 300\n',
            sections='[fake]\nspawn_seconds = 600\n'
                     '[compute]\nshutdown_operation_wait = 2\n') as cloud:
        api = cloud.url + '/v2.1'
        response = requests.post(f'{api}/servers', headers=_ADMIN, timeout=30, json={
            'server': {'name': 'hung', 'imageRef': cloud.image, 'flavorRef': '1',
                       'networks': 'none'}})
        response.raise_for_status()
        server_id = response.json()['server']['id']
        Cloud.wait_for(lambda: _task_state(api, server_id) == 'spawning', 'the spawn')

        stopping = time.monotonic()
        cloud.process.send_signal(signal.SIGTERM)
        status = cloud.process.wait(timeout=_STOPPED_WITHIN + 60)
        took = time.monotonic() - stopping

    log = (tmp_path / 'aio.log').read_text()
    assert took < _STOPPED_WITHIN, took
    # A stop, not oslo.service's hard exit past graceful_shutdown_timeout.
    assert status == 0
    assert 'Graceful shutdown timeout exceeded' not in log
    assert f'Cancelling the operation on instance {server_id}' in log
