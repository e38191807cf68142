"""Fuzzing server actions against a real server of the all-in-one.

Schemathesis reads the description the all-in-one serves at
``/v2.1/openapi.json`` (the action body there is one of every action's
schema) and, for each action in turn (so each gets its share of cases),
sends ``POST /servers/{id}/action`` bodies valid and not for that action's
branch, to a server it booted (ACTIVE when each action's turn begins), at
the oldest and the newest microversion. The
actions run for real (fake hypervisor), so the server walks through the
states they lead to. No response may be a 5xx, and a request answered 4xx
may change nothing: no new row in any table, the server as it was. The one
trace it may leave is Nova's: an action the compute host refused (no guest
agent for changePassword, 409) is recorded as an instance action whose
every event failed.
"""

import collections
import copy
import sqlite3
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from novalite.api import microversion, server_actions
from tests.functional import all_in_one
from tests.integration.cloud import Cloud

_ADMIN = {'X-Auth-Token': 'admin:admin'}
_EXAMPLES_PER_ACTION = 10
_VERSIONS = ('2.1', str(microversion.MAX_VERSION))
# Fields that move without a request: the compute host's periodic tasks
# touch ``updated``.
_MOVING = ('updated',)
_SEEN = collections.Counter()
_ACTION_TABLES = ('instance_actions', 'instance_actions_events')


class _Server:
    def __init__(self, cloud):
        self.cloud = cloud
        self.api = cloud.url + '/v2.1'
        self.id = None
        # Set when a request was accepted: settled() then waits for quiet.
        self.changed = False

    def get(self, path, version='latest'):
        response = requests.get(self.api + path, timeout=60, headers={
            **_ADMIN, 'OpenStack-API-Version': f'compute {version}'})
        response.raise_for_status()
        return response.json()

    def _boot(self):
        self.changed = True
        response = requests.post(self.api + '/servers', timeout=60, headers=_ADMIN, json={
            'server': {'name': 'fuzzed', 'imageRef': self.cloud.image, 'flavorRef': '1'}})
        response.raise_for_status()
        return response.json()['server']['id']

    def _show(self):
        """The server, or None once deleted."""
        response = requests.get(f'{self.api}/servers/{self.id}', headers=_ADMIN, timeout=60)
        return None if response.status_code == 404 else response.json()['server']

    def _wait_idle(self):
        def idle():
            server = self._show()
            return server is None or (server['OS-EXT-STS:task_state'] is None
                                      and server['status'] != 'BUILD')
        Cloud.wait_for(idle, 'the fuzzed server to settle', timeout=60)
        return self._show()

    def active(self):
        """An ACTIVE server to start a case from: one in another state is replaced.

        Each case then reaches its action from the state most actions start
        from, not from wherever the previous case's actions left it.
        """
        server = self._wait_idle() if self.id else None
        if server is not None and server['status'] != 'ACTIVE':
            requests.delete(f'{self.api}/servers/{self.id}', headers=_ADMIN,
                            timeout=60).raise_for_status()
            self._wait_idle()
            server = None
        if server is None:
            self.id = self._boot()
            self._wait_idle()

    def settled(self):
        """Wait until no action is in flight; an ERROR server is reset to active.

        A server an action deleted (forceDelete) is replaced by a new one.
        """
        server = self._wait_idle() if self.id else None
        if server is None:
            self.id = self._boot()
            server = self._wait_idle()
        if server['status'] == 'ERROR':
            requests.post(f'{self.api}/servers/{self.id}/action', headers=_ADMIN, timeout=60,
                          json={'os-resetState': {'state': 'active'}}).raise_for_status()
        if self.changed:
            self._quiet()

    def _quiet(self):
        """Wait out what an accepted request set going after its task state cleared
        (the resource report, half a second later, that frees an offloaded server's
        claim): the state stays the same for a second."""
        previous = self.state()
        for _ in range(30):
            time.sleep(1)
            current = self.state()
            if current == previous:
                self.changed = False
                return
            previous = current
        raise AssertionError('the fuzzed server did not stop changing')

    def actions(self):
        """The server's instance actions by request id."""
        return {action['request_id']: action for action in
                self.get(f'/servers/{self.id}/os-instance-actions')['instanceActions']}

    def events(self, request_id):
        return self.get(f'/servers/{self.id}/os-instance-actions/{request_id}')[
            'instanceAction']['events']

    def state(self):
        """What a refused request must leave as it was (instance actions aside)."""
        server = self.get(f'/servers/{self.id}')['server']
        database = sqlite3.connect(f'file:{self.cloud.conf.parent}/novalite.sqlite?mode=ro',
                                   uri=True)
        with database:
            tables = [row[0] for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            rows = {table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    for table in tables if table not in _ACTION_TABLES}
        database.close()
        return {key: value for key, value in server.items() if key not in _MOVING}, rows


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    with all_in_one.running(tmp_path_factory.mktemp('fuzz')) as cloud:
        yield _Server(cloud)


@pytest.fixture(scope='module', autouse=True)
def fuzz_summary():
    yield
    # Shown with pytest -s: the figures the issue asks for.
    print(f'\nfuzzed {sum(_SEEN.values())} server actions, '
          f'{sum(n for (_, status), n in _SEEN.items() if status >= 500)} answered 5xx, '
          f'by action and status: {dict(sorted(_SEEN.items()))}')


def _changes(before, after):
    """What differs between two ``state()`` readings: (key, before, after)."""
    return [(key, old.get(key), new.get(key)) for old, new in zip(before, after, strict=True)
            for key in old.keys() | new.keys() if old.get(key) != new.get(key)]


def _narrowed(document, name):
    """The served ``document`` with the action body narrowed to action ``name``'s branch."""
    document = copy.deepcopy(document)
    body = document['paths']['/servers/{server_id}/action']['post']['requestBody']
    media = body['content']['application/json']
    (media['schema'],) = [branch for branch in media['schema']['oneOf']
                          if name in branch['properties']]
    return document


@pytest.mark.parametrize('version, name', [
    (version, name) for version in _VERSIONS for name in sorted(server_actions.ACTIONS)
    if microversion.in_range(microversion.APIVersion.parse(version),
                             *server_actions.ACTIONS[name].versions)])
def test_no_action_gets_a_5xx_and_a_refused_one_changes_nothing(server, version, name):
    headers = {**_ADMIN, 'OpenStack-API-Version': f'compute {version}'}
    document = requests.get(f'{server.api}/openapi.json', headers=headers, timeout=60).json()
    schema = schemathesis.openapi.from_dict(_narrowed(document, name))
    schema.config.generation.update(with_security_parameters=False)
    operation = schema['/servers/{server_id}/action']['POST']
    server.active()

    @given(case=operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
           | operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE))
    @settings(max_examples=_EXAMPLES_PER_ACTION, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case):
        server.settled()
        case.path_parameters = {'server_id': server.id}
        before, actions_before = server.state(), server.actions()
        response = case.call(base_url=server.api, headers=headers)
        _SEEN[(name, response.status_code)] += 1
        server.changed = response.status_code < 400
        assert response.status_code < 500, (case.as_curl_command(), response.text)
        if response.status_code >= 400:
            after = server.state()
            assert after == before, (case.as_curl_command(), response.text,
                                     _changes(before, after))
            recorded = set(server.actions()) - set(actions_before)
            # Schemathesis gives each header as the list of its values.
            assert recorded <= set(response.headers['x-openstack-request-id']), recorded
            for request_id in recorded:
                events = server.events(request_id)
                assert events and all(e['result'] == 'Error' for e in events), events

    fuzz()
