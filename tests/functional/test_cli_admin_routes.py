"""The CLI's soft-delete, reset-state and migration-list commands against a running
all-in-one that keeps deleted servers (``reclaim_instance_interval``) and may resize
on its one host."""

import json
import os

import pytest

from novalite.cli import client as novalite_client
from tests.functional import all_in_one
from tests.functional.test_all_in_one import _run
from tests.integration.cloud import Cloud

# Long enough for a restore to come first, short enough to watch a reclaim.
RECLAIM_SECONDS = 15


@pytest.fixture(scope='module')
def aio(tmp_path_factory):
    defaults = (f'reclaim_instance_interval = {RECLAIM_SECONDS}\nperiodic_interval = 1\n'
                'allow_resize_to_same_host = true\n')
    with all_in_one.running(tmp_path_factory.mktemp('aio'), defaults=defaults) as cloud:
        admin = novalite_client.Client(cloud.url + '/v2.1', token='admin:admin')
        admin.flavors.create('bigger', 1024, 1, 1, id='2')
        yield dict(os.environ, NOVALITE_URL=cloud.url + '/v2.1')


def _admin(env):
    return dict(env, NOVALITE_TOKEN='admin:admin')


def _boot(env, name):
    _run('novalite', 'boot', name, '--flavor', 'small', '--image', 'tiny', '--nic', 'none',
         '--wait', env=env)


def _status(env, name):
    client = novalite_client.Client(env['NOVALITE_URL'])
    found = [s for s in client.servers.list() if s['name'] == name]
    return found[0]['status'] if found else None


def test_delete_keeps_the_server_until_restored_or_force_deleted(aio):
    _boot(aio, 'kept')
    _run('novalite', 'delete', 'kept', '--wait', env=aio)
    assert _status(aio, 'kept') == 'SOFT_DELETED'
    done = _run('novalite', 'restore', 'kept', '--wait', env=aio)
    assert 'restore server kept' in done.stdout
    assert _status(aio, 'kept') == 'ACTIVE'
    _run('novalite', 'delete', 'kept', '--wait', env=aio)
    _run('novalite', 'force-delete', 'kept', '--wait', env=aio)
    assert _status(aio, 'kept') is None


def test_the_compute_host_reclaims_a_soft_deleted_server_after_the_interval(aio):
    _boot(aio, 'reclaimed')
    _run('novalite', 'delete', 'reclaimed', '--wait', env=aio)
    assert _status(aio, 'reclaimed') == 'SOFT_DELETED'
    Cloud.wait_for(lambda: _status(aio, 'reclaimed') is None, 'the reclaim', timeout=90)


def test_restore_of_an_active_server_fails_with_one_line(aio):
    _boot(aio, 'awake')
    done = _run('novalite', 'restore', 'awake', env=aio, check=False)
    assert done.returncode == 1 and done.stderr.startswith('ERROR:')
    assert 'vm_state active' in done.stderr and 'Traceback' not in done.stderr


def test_reset_state_by_an_admin_sets_error_then_active(aio):
    _boot(aio, 'stuck')
    _run('novalite', 'reset-state', 'stuck', '--wait', env=_admin(aio))
    assert _status(aio, 'stuck') == 'ERROR'
    _run('novalite', 'reset-state', '--active', 'stuck', '--wait', env=_admin(aio))
    assert _status(aio, 'stuck') == 'ACTIVE'
    refused = _run('novalite', 'reset-state', 'stuck', env=dict(aio, NOVALITE_TOKEN='demo:admin'),
                   check=False)
    assert refused.returncode == 1 and 'os_compute_api:os-admin-actions:reset_state' in \
        refused.stderr


def test_migration_list_shows_a_resize_of_the_server(aio):
    _boot(aio, 'grown')
    client = novalite_client.Client(aio['NOVALITE_URL'])
    [server] = [s for s in client.servers.list() if s['name'] == 'grown']
    _run('novalite', 'resize', 'grown', 'bigger', env=aio)
    Cloud.wait_for(lambda: _status(aio, 'grown') == 'VERIFY_RESIZE', 'the resize', timeout=60)
    listed = json.loads(_run('novalite', 'migration-list', '--server', 'grown', '--format',
                             'json', env=_admin(aio)).stdout)
    [record] = listed
    assert (record['instance_uuid'], record['migration_type'], record['status']) == (
        server['id'], 'resize', 'finished')
    table = _run('novalite', 'migration-list', '--migration-type', 'resize',
                 env=_admin(aio)).stdout
    assert server['id'] in table and 'finished' in table
