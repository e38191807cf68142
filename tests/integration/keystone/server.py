"""A real Keystone for integration tests, set up once per machine and started per test module.

Keystone comes from PyPI into its own virtualenv under the cache directory
(``$NOVALITE_CACHE``, default ``~/.cache/novalite``), beside a *template*:
a SQLite database that ``keystone-manage db_sync`` and ``bootstrap`` made
(roles admin, manager, member and reader, implied in that order) and its
fernet and credential keys. Building both takes about a minute, once; a
test module then copies the template, serves it with gunicorn on a free
loopback port in a few seconds, points the identity endpoints at that port
and creates the projects and users the tests act as.
"""

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import time

import requests

from tests.integration.cloud import free_port

VERSION = '30.0.0'
ADMIN_PASSWORD = 'admin-secret'
PASSWORD = 'secret'
REGION = 'RegionOne'
_PLACEHOLDER_URL = 'http://127.0.0.1:1/v3'
_HERE = os.path.dirname(os.path.abspath(__file__))


def cache_dir():
    base = os.environ.get('NOVALITE_CACHE') or os.path.expanduser('~/.cache/novalite')
    return os.path.join(base, f'keystone-{VERSION}')


def _conf_text(state):
    """keystone.conf for a state directory (database, keys, log)."""
    return '\n'.join([
        '[DEFAULT]', f'log_file = {state}/keystone.log', '',
        '[database]', f'connection = sqlite:///{state}/keystone.sqlite', '',
        '[fernet_tokens]', f'key_repository = {state}/fernet-keys', '',
        '[fernet_receipts]', f'key_repository = {state}/fernet-keys', '',
        '[credential]', f'key_repository = {state}/credential-keys', '',
        # bcrypt's fewest rounds: every token request hashes a password.
        '[identity]', 'password_hash_rounds = 4', '',
    ])


def _run(args, env=None):
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(f'{args[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}')
    return done.stdout


def _build_venv(venv):
    _run([sys.executable, '-m', 'venv', venv])
    _run([os.path.join(venv, 'bin', 'pip'), 'install', '-q', f'keystone=={VERSION}',
          'gunicorn'])


def _build_template(venv, template):
    os.makedirs(template)
    conf = os.path.join(template, 'keystone.conf')
    with open(conf, 'w') as f:
        f.write(_conf_text(template))
    manage = [os.path.join(venv, 'bin', 'keystone-manage'), '--config-file', conf]
    _run(manage + ['db_sync'])
    _run(manage + ['fernet_setup', '--keystone-user', 'root', '--keystone-group', 'root'])
    _run(manage + ['credential_setup', '--keystone-user', 'root', '--keystone-group', 'root'])
    _run(manage + ['bootstrap', '--bootstrap-password', ADMIN_PASSWORD,
                   '--bootstrap-region-id', REGION,
                   '--bootstrap-public-url', _PLACEHOLDER_URL,
                   '--bootstrap-internal-url', _PLACEHOLDER_URL,
                   '--bootstrap-admin-url', _PLACEHOLDER_URL])
    os.remove(conf)


def ensure_installed():
    """The Keystone venv and template, built once per machine; returns (venv, template)."""
    root = cache_dir()
    venv, template = os.path.join(root, 'venv'), os.path.join(root, 'template')
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, 'lock'), 'w') as lock:
        # Test workers of one run, or two runs, may get here together.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(venv, '.complete')):
            shutil.rmtree(venv, ignore_errors=True)
            _build_venv(venv)
            open(os.path.join(venv, '.complete'), 'w').close()
        if not os.path.exists(os.path.join(template, '.complete')):
            shutil.rmtree(template, ignore_errors=True)
            _build_template(venv, template)
            open(os.path.join(template, '.complete'), 'w').close()
    return venv, template


class Keystone:
    """One Keystone process on loopback, with its own copy of the template's state."""

    def __init__(self, workdir):
        self.state = os.path.join(str(workdir), 'keystone')
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}/v3'
        self.proc = None
        self.projects = {}
        self.users = {}

    def start(self):
        venv, template = ensure_installed()
        shutil.copytree(template, self.state, ignore=shutil.ignore_patterns('.complete'))
        conf = os.path.join(self.state, 'keystone.conf')
        with open(conf, 'w') as f:
            f.write(_conf_text(self.state))
        env = dict(os.environ, OS_KEYSTONE_CONFIG_FILES=conf)
        self.proc = subprocess.Popen(
            [os.path.join(venv, 'bin', 'python'), os.path.join(_HERE, 'serve.py'),
             f'127.0.0.1:{self.port}'], env=env,
            stdout=open(os.path.join(self.state, 'access.log'), 'w'),
            stderr=open(os.path.join(self.state, 'gunicorn.log'), 'w'))
        self._wait_until_up()
        self._point_identity_endpoints_here()
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def _wait_until_up(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'Keystone exited: see {self.state}/gunicorn.log')
            # The first request waits while gunicorn's worker loads Keystone.
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url, timeout=30).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f'Keystone did not answer within {timeout} s')

    # --- the admin API -------------------------------------------------------

    def token(self, user, project, password=None):
        """A project-scoped token for ``user`` (a name) on ``project`` (a name)."""
        body = {'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': user, 'domain': {'id': 'default'},
                'password': password or (ADMIN_PASSWORD if user == 'admin' else PASSWORD)}}},
            'scope': {'project': {'name': project, 'domain': {'id': 'default'}}}}}
        resp = requests.post(self.url + '/auth/tokens', json=body, timeout=30)
        resp.raise_for_status()
        return resp.headers['X-Subject-Token']

    def admin_request(self, method, path, **kwargs):
        if not hasattr(self, '_admin_token'):
            self._admin_token = self.token('admin', 'admin')
        resp = requests.request(method, self.url + path, timeout=30,
                                headers={'X-Auth-Token': self._admin_token}, **kwargs)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def _point_identity_endpoints_here(self):
        for endpoint in self.admin_request('GET', '/endpoints')['endpoints']:
            if endpoint['url'] == _PLACEHOLDER_URL:
                self.admin_request('PATCH', f"/endpoints/{endpoint['id']}",
                                   json={'endpoint': {'url': self.url}})

    def role_id(self, name):
        roles = self.admin_request('GET', '/roles', params={'name': name})['roles']
        if roles:
            return roles[0]['id']
        return self.admin_request('POST', '/roles', json={'role': {'name': name}})['role']['id']

    def project(self, name):
        """The id of project ``name``, created when missing."""
        if name not in self.projects:
            found = self.admin_request('GET', '/projects', params={'name': name})['projects']
            self.projects[name] = found[0]['id'] if found else self.admin_request(
                'POST', '/projects', json={'project': {'name': name, 'domain_id': 'default'}}
            )['project']['id']
        return self.projects[name]

    def service_user(self, name, password):
        """A service's user, with the service role on project ``service`` (validates tokens)."""
        user = self.admin_request('POST', '/users', json={'user': {
            'name': name, 'password': password, 'domain_id': 'default'}})['user']
        self.admin_request('PUT', f"/projects/{self.project('service')}/users/{user['id']}"
                                  f"/roles/{self.role_id('service')}")
        return user['id']

    def authtoken_options(self, username, password):
        """A ``[keystone_authtoken]`` section for a service whose user is ``username``."""
        return {'www_authenticate_uri': self.url, 'auth_url': self.url,
                'auth_type': 'password', 'username': username, 'password': password,
                'project_name': 'service', 'user_domain_id': 'default',
                'project_domain_id': 'default', 'region_name': REGION}

    def user(self, name, project, role):
        """Create user ``name`` with ``role`` on ``project``; returns the user's id."""
        user = self.admin_request('POST', '/users', json={'user': {
            'name': name, 'password': PASSWORD, 'domain_id': 'default',
            'default_project_id': self.project(project)}})['user']
        self.admin_request(
            'PUT', f"/projects/{self.project(project)}/users/{user['id']}/roles/"
                   f"{self.role_id(role)}")
        self.users[name] = user['id']
        return user['id']
