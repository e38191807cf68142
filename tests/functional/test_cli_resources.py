"""novalite's CLI on server groups, aggregates, zones, metadata and tags, on the all-in-one."""

import json
import os
import subprocess
import sys

import pytest

from tests.functional import all_in_one

BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope='module')
def cli(tmp_path_factory):
    """``novalite`` as the admin of a running all-in-one; returns (status, stdout, stderr)."""
    with all_in_one.running(tmp_path_factory.mktemp('aio-cli')) as cloud:
        env = dict(os.environ, NOVALITE_URL=cloud.url + '/v2.1', NOVALITE_TOKEN='admin:admin',
                   NOVALITE_VOLUME_URL=cloud.volume_url)

        def run(*args):
            done = subprocess.run([os.path.join(BIN, 'novalite'), *args], env=env,
                                  capture_output=True, text=True, timeout=120)
            return done.returncode, done.stdout, done.stderr
        status, _out, err = run('boot', 'tagged', '--flavor', '1', '--image', cloud.image,
                                '--nic', 'none', '--wait')
        assert status == 0, err
        yield run


def _json(run, *args):
    status, out, err = run(*args, '--format', 'json')
    assert status == 0, err
    return json.loads(out)


def test_server_group_create_list_get_and_delete(cli):
    # At the newest microversion (from 2.64): one ``policy`` and its ``rules``.
    group = _json(cli, 'server-group-create', 'spread', 'anti-affinity')
    assert (group['policy'], group['rules'], group['members']) == ('anti-affinity', {}, [])
    assert [g['id'] for g in _json(cli, 'server-group-list')] == [group['id']]
    assert _json(cli, 'server-group-get', 'spread')['name'] == 'spread'
    assert cli('server-group-delete', 'spread')[0] == 0
    assert _json(cli, 'server-group-list') == []


def test_server_group_rules_need_2_64(cli):
    status, _out, err = cli('--os-compute-api-version', '2.63', 'server-group-create',
                            'capped', 'anti-affinity', '--rule', 'max_server_per_host=2')
    assert status == 1 and err.strip() == ('ERROR: server group rules need compute API '
                                           'version 2.64 or later')


def test_an_unknown_policy_is_a_usage_error(cli):
    status, _out, err = cli('server-group-create', 'odd', 'scatter')
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_aggregate_with_a_zone_holds_the_host_and_its_metadata(cli):
    aggregate = _json(cli, 'aggregate-create', 'fast', 'az1')
    _json(cli, 'aggregate-add-host', 'fast', 'aio')
    shown = _json(cli, 'aggregate-set-metadata', 'fast', 'ssd=true', 'gpu=no')
    assert shown['hosts'] == ['aio'] and shown['metadata']['ssd'] == 'true'
    zones = {z['zoneName'] for z in _json(cli, 'availability-zone-list')}
    assert 'az1' in zones
    assert 'gpu' not in _json(cli, 'aggregate-set-metadata', 'fast', 'gpu')['metadata']
    _json(cli, 'aggregate-remove-host', 'fast', 'aio')
    assert cli('aggregate-delete', str(aggregate['id']))[0] == 0
    assert _json(cli, 'aggregate-list') == []


def test_meta_sets_and_deletes_server_metadata(cli):
    assert cli('meta', 'tagged', 'set', 'role=web', 'tier=1')[0] == 0
    assert cli('meta', 'tagged', 'delete', 'tier')[0] == 0
    assert _json(cli, 'show', 'tagged')['metadata'] == {'role': 'web'}


def test_meta_set_without_a_value_changes_nothing(cli):
    status, _out, err = cli('meta', 'tagged', 'set', 'lonely')
    assert status == 2 and 'KEY=VALUE' in err
    assert 'lonely' not in _json(cli, 'show', 'tagged')['metadata']


def test_server_tags_add_list_set_and_delete_all(cli):
    assert cli('server-tag-add', 'tagged', 'blue', 'green')[0] == 0
    assert sorted(_json(cli, 'server-tag-list', 'tagged')) == ['blue', 'green']
    assert cli('server-tag-delete', 'tagged', 'blue')[0] == 0
    assert cli('server-tag-set', 'tagged', 'red')[0] == 0
    assert _json(cli, 'server-tag-list', 'tagged') == ['red']
    assert cli('server-tag-delete-all', 'tagged')[0] == 0
    assert _json(cli, 'server-tag-list', 'tagged') == []


@pytest.mark.parametrize('command', [
    ('list',), ('show', 'tagged'), ('hypervisor-list',), ('hypervisor-stats',),
    ('hypervisor-uptime', 'aio'),
    ('service-list',), ('image-list',), ('instance-action-list', 'tagged'),
    ('version-list',), ('volume-list',), ('server-migration-list', 'tagged'),
])
def test_listings_and_shows_print_what_the_api_answered_as_json(cli, command):
    assert isinstance(_json(cli, *command), (list, dict))
