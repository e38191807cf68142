"""The all-in-one service driven by users: its demo, the CLI and the REST API.

One ``novalite-all-in-one`` process (SQLite, in-process messaging, fake
hypervisor) per test module; the CLI talks to it over HTTP.
"""

import os
import subprocess
import sys

import pytest

from novalite.cli import client as novalite_client
from tests.functional import all_in_one
from tests.integration.cloud import Cloud, free_port

BIN = os.path.dirname(sys.executable)


def _run(*args, env=None, check=True):
    return subprocess.run([os.path.join(BIN, args[0]), *args[1:]], capture_output=True,
                          text=True, env=env, check=check, timeout=120)


@pytest.fixture(scope='module')
def aio(tmp_path_factory):
    """The environment of a CLI pointed at a running all-in-one."""
    with all_in_one.running(tmp_path_factory.mktemp('aio')) as cloud:
        yield dict(os.environ, NOVALITE_URL=cloud.url + '/v2.1')


def test_demo_on_a_fresh_machine_boots_a_server_and_prints_it_active(tmp_path):
    conf = tmp_path / 'novalite.conf'
    state_path = tmp_path / 'not-created-yet'
    conf.write_text(f'[DEFAULT]\nstate_path = {state_path}\n[api]\nport = {free_port()}\n'
                    f'metadata_listen_port = {free_port()}\n')
    done = _run('novalite-all-in-one', '--demo', '--config-file', str(conf))
    assert ' ACTIVE on host ' in done.stdout


def test_boot_wait_ends_active_and_list_shows_the_host(aio):
    boot = _run('novalite', 'boot', 'cli-1', '--flavor', 'small', '--image', 'tiny',
                '--nic', 'none', '--wait', env=aio)
    assert 'ACTIVE' in boot.stdout + boot.stderr

    listing = _run('novalite', 'list', env=aio).stdout
    assert 'cli-1' in listing and 'ACTIVE' in listing and 'aio' in listing


def test_multi_create_boots_every_server(aio):
    _run('novalite', 'boot', 'many', '--flavor', 'small', '--image', 'tiny', '--nic', 'none',
         '--min-count', '3', '--max-count', '3', '--wait', env=aio)
    listing = _run('novalite', 'list', '--name', 'many', env=aio).stdout
    assert listing.count('ACTIVE') == 3


def test_delete_wait_removes_the_server(aio):
    _run('novalite', 'boot', 'doomed', '--flavor', 'small', '--image', 'tiny', '--nic', 'none',
         '--wait', env=aio)
    _run('novalite', 'delete', 'doomed', '--wait', env=aio)
    assert 'doomed' not in _run('novalite', 'list', env=aio).stdout


def _events_of(client, server_id, action):
    """``(event, result)`` of the action's events once each has ended: the host
    casts an event's end after the server's last state change."""
    (found,) = [a for a in client.servers.actions(server_id) if a['action'] == action]

    def events():
        return [(event['event'], event['result'])
                for event in client.servers.action(server_id, found['request_id'])['events']]
    Cloud.wait_for(lambda: all(result for _event, result in events()), 'the events to end')
    return events()


def test_actions_record_the_compute_steps_of_a_build_and_a_delete(aio):
    _run('novalite', 'boot', 'recorded', '--flavor', 'small', '--image', 'tiny', '--nic',
         'none', '--wait', env=aio)
    client = novalite_client.Client(aio['NOVALITE_URL'])
    (server,) = client.servers.list(detailed=False, name='recorded')
    _run('novalite', 'delete', 'recorded', '--wait', env=aio)

    assert _events_of(client, server['id'], 'create') == [
        ('compute__do_build_and_run_instance', 'Success')]
    assert _events_of(client, server['id'], 'delete') == [
        ('compute_terminate_instance', 'Success')]


def test_stop_then_start_moves_the_server_through_shutoff(aio):
    _run('novalite', 'boot', 'power', '--flavor', 'small', '--image', 'tiny', '--nic', 'none',
         '--wait', env=aio)
    _run('novalite', 'stop', 'power', env=aio)
    Cloud.wait_for(lambda: 'SHUTOFF' in _run('novalite', 'show', 'power', env=aio).stdout,
                   'SHUTOFF')
    _run('novalite', 'start', 'power', env=aio)
    Cloud.wait_for(lambda: 'ACTIVE' in _run('novalite', 'show', 'power', env=aio).stdout,
                   'ACTIVE')


def test_boot_with_unknown_flavor_fails_with_one_line_and_creates_nothing(aio):
    # A name no server id can contain: ids are hexadecimal.
    done = _run('novalite', 'boot', 'unflavored', '--flavor', 'no-such', '--image', 'tiny',
                env=aio, check=False)
    assert done.returncode != 0
    assert done.stderr.startswith('ERROR: ') and len(done.stderr.strip().splitlines()) == 1
    assert 'unflavored' not in _run('novalite', 'list', env=aio).stdout


def test_service_and_hypervisor_lists_show_the_all_in_one(aio):
    services = _run('novalite', 'service-list', env=aio).stdout
    assert 'nova-compute' in services and 'up' in services
    assert 'aio' in _run('novalite', 'hypervisor-list', env=aio).stdout
