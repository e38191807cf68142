"""Volume snapshots and the images of volume-backed servers, through the all-in-one.

The fake virt and volume drivers; the compute API, the compute host and
novalite-volume's Block Storage API talk over HTTP and RPC as in a real cloud.
"""

import json
import os
import subprocess

import requests

from tests.functional import test_all_in_one_volumes as volumes_aio
from tests.functional.test_all_in_one_volumes import BIN, TOKEN, _status, _volume
from tests.integration.cloud import Cloud

# The same all-in-one as the volume tests' (fake virt and volume drivers).
aio = volumes_aio.aio


def _openstack(volume, *args):
    """``openstack ARGS`` against the volume endpoint with noauth2's token."""
    env = {key: value for key, value in os.environ.items() if not key.startswith('OS_')}
    env.update({'OS_AUTH_TYPE': 'admin_token', 'OS_TOKEN': 'demo:demo',
                'OS_ENDPOINT': volume})
    done = subprocess.run([os.path.join(BIN, 'openstack'), *args], env=env,
                          capture_output=True, text=True, timeout=120)
    return done


def _snapshot_status(volume, snapshot_id):
    found = requests.get(f'{volume}/snapshots/{snapshot_id}', headers=TOKEN)
    return found.json()['snapshot']['status'] if found.status_code == 200 \
        else found.status_code


def test_openstack_cli_snapshots_a_volume_and_makes_a_volume_of_the_snapshot(aio):
    _compute, volume = aio
    source = _volume(volume)
    done = _openstack(volume, 'volume', 'snapshot', 'create', '--volume', source, 'snap',
                      '-f', 'json')
    assert done.returncode == 0, done.stderr
    snapshot_id = json.loads(done.stdout)['id']
    Cloud.wait_for(lambda: _snapshot_status(volume, snapshot_id) == 'available',
                   'the snapshot to be available')
    refused = _openstack(volume, 'volume', 'delete', source)
    assert refused.returncode != 0 and 'snapshots' in refused.stderr
    done = _openstack(volume, 'volume', 'create', '--snapshot', snapshot_id, 'copy',
                      '-f', 'json')
    assert done.returncode == 0, done.stderr
    copy = json.loads(done.stdout)
    Cloud.wait_for(lambda: _status(volume, copy['id']) == 'available',
                   'the volume made from the snapshot to be available')
    assert requests.get(f"{volume}/volumes/{copy['id']}", headers=TOKEN) \
        .json()['volume']['snapshot_id'] == snapshot_id
    assert _openstack(volume, 'volume', 'snapshot', 'delete', snapshot_id).returncode == 0
    Cloud.wait_for(lambda: _snapshot_status(volume, snapshot_id) == 404,
                   'the snapshot to be deleted')
    assert _openstack(volume, 'volume', 'delete', source).returncode == 0
