"""The CLI's quota, key pair, flavor access/extra spec and usage commands against a
running all-in-one."""

import json

from tests.functional.test_all_in_one import _run, aio  # noqa: F401  (module fixture)


def _admin(env):
    return dict(env, NOVALITE_TOKEN='admin:admin')


def _member(env):
    return dict(env, NOVALITE_TOKEN='demo:demo')


def test_quota_update_then_show_and_limits_reflect_it(aio):  # noqa: F811
    _run('novalite', 'quota-update', 'demo', '--instances', '3', '--cores', '9',
         env=_admin(aio))
    shown = json.loads(_run('novalite', 'quota-show', '--format', 'json', env=_member(aio)).stdout)
    assert shown['instances'] == 3 and shown['cores'] == 9
    table = _run('novalite', 'quota-show', '--detail', env=_member(aio)).stdout
    assert 'in_use' in table
    limits = json.loads(_run('novalite', 'limits', '--format', 'json', env=_member(aio)).stdout)
    assert limits['maxTotalInstances'] == 3
    _run('novalite', 'quota-delete', '--tenant', 'demo', env=_admin(aio))
    shown = json.loads(_run('novalite', 'quota-show', '--format', 'json', env=_member(aio)).stdout)
    assert shown['instances'] == 10


def test_quota_update_by_a_member_fails_with_one_line(aio):  # noqa: F811
    done = _run('novalite', 'quota-update', 'demo', '--instances', '99', env=_member(aio),
                check=False)
    assert done.returncode == 1 and done.stderr.startswith('ERROR:')
    assert 'Traceback' not in done.stderr


def test_keypair_add_without_a_key_prints_the_generated_private_key(aio):  # noqa: F811
    done = _run('novalite', 'keypair-add', 'cli-gen', env=_member(aio))
    assert done.stdout.startswith('-----BEGIN RSA PRIVATE KEY-----')
    listed = json.loads(_run('novalite', 'keypair-list', '--format', 'json',
                             env=_member(aio)).stdout)
    assert [k['name'] for k in listed] == ['cli-gen']
    assert listed[0]['public_key'].startswith('ssh-rsa ')
    _run('novalite', 'keypair-delete', 'cli-gen', env=_member(aio))


def test_keypair_add_imports_a_public_key_file(aio, tmp_path):  # noqa: F811
    key = tmp_path / 'id.pub'
    key.write_text('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxkMPqlc3Pv6v+Qtc5Hd0d0Kj+2E8CzIpgZ'
                   'qHTb9Rkk me\n')
    assert _run('novalite', 'keypair-add', 'cli-imp', '--pub-key', str(key), env=_member(aio)
                ).stdout == ''
    shown = json.loads(_run('novalite', 'keypair-show', 'cli-imp', '--format', 'json',
                            env=_member(aio)).stdout)
    assert shown['fingerprint'] == 'f0:d9:80:49:0d:0f:c6:55:48:1b:79:3e:cc:c6:1d:7e'


def test_flavor_key_and_access_commands(aio):  # noqa: F811
    admin = _admin(aio)
    _run('novalite', 'flavor-create', 'hidden', 'hid', '512', '1', '1', '--is-public',
         'false', env=admin)
    _run('novalite', 'flavor-key', 'hid', 'set', 'hw:cpu_policy=dedicated', env=admin)
    shown = json.loads(_run('novalite', 'flavor-show', 'hid', '--format', 'json',
                            env=admin).stdout)
    assert shown['extra_specs'] == {'hw:cpu_policy': 'dedicated'}
    assert _run('novalite', 'flavor-show', 'hid', env=_member(aio), check=False).returncode == 1
    access = json.loads(_run('novalite', 'flavor-access-add', 'hid', 'demo', '--format',
                             'json', env=admin).stdout)
    assert access == [{'flavor_id': 'hid', 'tenant_id': 'demo'}]
    assert 'hid' in _run('novalite', 'flavor-show', 'hid', env=_member(aio)).stdout
    _run('novalite', 'flavor-key', 'hid', 'unset', 'hw:cpu_policy', env=admin)
    _run('novalite', 'flavor-access-remove', 'hid', 'demo', env=admin)
    assert 'demo' not in _run('novalite', 'flavor-access-list', '--flavor', 'hid',
                              env=admin).stdout


def test_usage_list_shows_the_projects_with_servers(aio):  # noqa: F811
    _run('novalite', 'boot', 'cli-usage', '--flavor', 'small', '--image', 'tiny', '--nic',
         'none', '--wait', env=_member(aio))
    usages = json.loads(_run('novalite', 'usage-list', '--format', 'json',
                             env=_admin(aio)).stdout)
    assert 'demo' in [usage['tenant_id'] for usage in usages]
    assert 'Tenant ID' in _run('novalite', 'usage', env=_member(aio)).stdout
