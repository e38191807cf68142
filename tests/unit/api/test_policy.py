"""The API's policy: Nova's personas, scope enforcement, operator overrides."""

import os
import subprocess
import sys

import pytest

from novalite import context as novalite_context
from novalite import exception
from novalite.api import policy
from novalite.api.policies import keypairs as keypair_rules
from novalite.api.policies import servers as server_rules
from novalite.api.policies import services as service_rules

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
PROJECT_A = {'project_id': 'project-a', 'user_id': 'someone'}


@pytest.fixture(autouse=True)
def fresh_enforcer(conf):
    policy.reset()
    yield
    policy.reset()


def _ctx(*roles, project='project-a', user='alice', **kwargs):
    ctx = novalite_context.RequestContext(user_id=user, project_id=project, roles=list(roles),
                                          **kwargs)
    ctx.is_admin = policy.is_admin(ctx)
    return ctx


def test_reader_may_show_a_server_of_its_project():
    assert policy.check(_ctx('reader'), server_rules.SHOW, PROJECT_A)


def test_reader_may_not_delete_a_server_of_its_project():
    with pytest.raises(exception.Forbidden) as caught:
        policy.authorize(_ctx('reader'), server_rules.DELETE, PROJECT_A)
    assert caught.value.code == 403
    assert server_rules.DELETE in caught.value.format_message()


def test_member_may_delete_a_server_of_its_project():
    assert policy.check(_ctx('member', 'reader'), server_rules.DELETE, PROJECT_A)


def test_member_of_another_project_may_not_show_the_server():
    assert not policy.check(_ctx('member', 'reader', project='project-b'), server_rules.SHOW,
                            PROJECT_A)


def test_admin_of_any_project_may_delete_any_server():
    assert policy.check(_ctx('admin', project='project-b'), server_rules.DELETE, PROJECT_A)


def test_only_admin_may_list_services():
    assert not policy.check(_ctx('manager', 'member', 'reader'), service_rules.LIST)
    assert policy.check(_ctx('admin'), service_rules.LIST)


def test_system_scoped_admin_token_is_refused_on_project_rules():
    ctx = _ctx('admin', project=None, system_scope='all')
    assert not policy.check(ctx, service_rules.LIST)


def test_keypairs_belong_to_their_user_not_the_project():
    ctx = _ctx('member', 'reader', user='alice')
    assert policy.check(ctx, keypair_rules.INDEX, {'user_id': 'alice'})
    assert not policy.check(ctx, keypair_rules.INDEX, {'user_id': 'bob'})


def test_admin_is_whoever_context_is_admin_names(conf, tmp_path):
    (tmp_path / 'policy.yaml').write_text('"context_is_admin": "role:cloud-admin"\n')
    conf.set_override('policy_file', str(tmp_path / 'policy.yaml'), group='oslo_policy')
    assert policy.is_admin(_ctx('cloud-admin'))
    assert not policy.is_admin(_ctx('admin'))


def test_operator_override_in_policy_yaml_replaces_the_default(conf, tmp_path):
    (tmp_path / 'policy.yaml').write_text(
        '"os_compute_api:servers:delete": "rule:context_is_admin"\n')
    conf.set_override('policy_file', str(tmp_path / 'policy.yaml'), group='oslo_policy')
    assert not policy.check(_ctx('member', 'reader'), server_rules.DELETE, PROJECT_A)
    assert policy.check(_ctx('member', 'reader'), server_rules.SHOW, PROJECT_A)


def test_policy_file_is_read_once_not_per_check(conf, tmp_path):
    path = tmp_path / 'policy.yaml'
    path.write_text('"os_compute_api:servers:show": "!"\n')
    conf.set_override('policy_file', str(path), group='oslo_policy')
    assert not policy.check(_ctx('reader'), server_rules.SHOW, PROJECT_A)
    path.write_text('"os_compute_api:servers:show": "@"\n')
    os.utime(path, (0, 1e10))
    assert not policy.check(_ctx('reader', user='bob'), server_rules.SHOW, PROJECT_A)
    policy.reset()
    assert policy.check(_ctx('reader'), server_rules.SHOW, PROJECT_A)


def test_an_unregistered_rule_is_a_programming_error():
    with pytest.raises(Exception, match='has not been registered'):
        policy.check(_ctx('admin'), 'os_compute_api:no-such-rule')


def test_policy_sample_is_current(tmp_path):
    generator = os.path.join(os.path.dirname(sys.executable), 'oslopolicy-sample-generator')
    out = tmp_path / 'policy.yaml.sample'
    subprocess.run([generator, '--namespace', 'novalite', '--output-file', str(out)],
                   check=True, capture_output=True)
    with open(os.path.join(ROOT, 'etc', 'novalite', 'policy.yaml.sample')) as f:
        assert out.read_text() == f.read(), \
            "etc/novalite/policy.yaml.sample is stale: run tox -e genpolicy"
