"""A database connection dropped at a server create's commits: one whole server or none.

The API runs in process on a private MariaDB reached through
:class:`~tests.integration.commit_dropper.CommitDropper`, which cuts the
connection at the COMMIT of the transaction that made a chosen write (the
instance rows, their block device mappings, tags, group membership, or the
release of the quota the create held): before the COMMIT reaches the server
(nothing was written) or after the server committed it (the rows exist, the
API's connection broke before it heard so). Either way the create must end
as a user can trust: a 202 with exactly the server it names and all it came
with, or a failure with nothing created.
"""

import uuid

import pymysql
import pytest

from novalite.api import app as api_app
from novalite.db import engine, migration
from tests.functional.api.conftest import boot_body, compute_host, flavor, image  # noqa: F401
from tests.functional.wsgi_client import Client
from tests.integration.commit_dropper import CommitDropper
from tests.integration.private_services import PrivateMariaDB

pytestmark = pytest.mark.integration


@pytest.fixture(scope='module')
def mariadb():
    server = PrivateMariaDB().start()
    yield server
    server.destroy()


@pytest.fixture
def db(conf, mariadb):
    """The schema on the private MariaDB; novalite reaches it through the dropper."""
    name = 'novalite_' + uuid.uuid4().hex[:10]
    mariadb.create_database(name)
    dropper = CommitDropper(mariadb.port).start()
    engine.configure(f'mysql+pymysql://root@127.0.0.1:{dropper.port}/{name}?charset=utf8mb4')
    migration.db_sync()
    yield dropper, name
    engine.configure('sqlite://')


_QUERIES = {'instances': 'SELECT uuid FROM instances WHERE deleted = 0',
            'block_device_mappings':
                'SELECT instance_uuid FROM block_device_mappings WHERE deleted = 0',
            'tags': 'SELECT resource_id FROM tags',
            'quota_reservations': 'SELECT id FROM quota_reservations'}


def _rows(mariadb, name, table):
    """Rows as MariaDB itself has them, past the dropper."""
    conn = pymysql.connect(host='127.0.0.1', port=mariadb.port, user='root', database=name)
    with conn.cursor() as cursor:
        cursor.execute(_QUERIES.get(table, f'SELECT instance_uuid FROM {table}'))
        found = [row[0] for row in cursor.fetchall()]
    conn.close()
    return found


def _group(api):
    group = api.post('/os-server-groups', {'server_group': {
        'name': 'spread', 'policy': 'anti-affinity'}}, version='2.64')
    assert group.status_int == 200, group.text
    return group.json_body_or_none['server_group']['id']


def _boot_with_extras(api, image, group_id):  # noqa: F811
    """A boot with two volume mappings, two tags and a server group: every write a create makes."""
    body = boot_body(image, networks='none', tags=['blue', 'prod'], block_device_mapping_v2=[
        {'boot_index': 0, 'source_type': 'image', 'destination_type': 'local',
         'uuid': image['id']},
        {'boot_index': -1, 'source_type': 'blank', 'destination_type': 'volume',
         'volume_size': 1},
        {'boot_index': -1, 'source_type': 'blank', 'destination_type': 'volume',
         'volume_size': 2}])
    body['os:scheduler_hints'] = {'group': group_id}
    return api.post('/servers', body, version='2.64')


# Each write of a create, and so each of its commits: the quota it holds,
# the instance rows with their mappings, tags and group membership (one
# transaction), then the release of the quota held.
_WRITES = {'reserve': 'INSERT INTO quota_reservations', 'instances': 'INSERT INTO instances',
           'mappings': 'INSERT INTO block_device_mappings', 'tags': 'INSERT INTO tags',
           'group': 'INSERT INTO instance_group_members',
           'release': 'WHERE quota_reservations.id = '}


@pytest.mark.parametrize('committed', [False, True], ids=['before-commit', 'after-commit'])
@pytest.mark.parametrize('write', _WRITES)
def test_a_connection_dropped_at_any_create_commit_leaves_one_whole_server_or_none(
        db, mariadb, conf, flavor, image, compute_host, write, committed):  # noqa: F811
    dropper, name = db
    # No conductor runs here: the API answers after this wait for placement.
    conf.set_override('placement_wait_timeout', 1, 'conductor')
    api = Client(api_app.load_app(conf))
    group_id = _group(api)
    dropper.arm(_WRITES[write].encode(), committed)
    response = _boot_with_extras(api, image, group_id)
    assert dropper.dropped.is_set()

    created = _rows(mariadb, name, 'instances')
    if response.status_int == 202:
        server_id = response.json_body_or_none['server']['id']
        assert created == [server_id]
        assert _rows(mariadb, name, 'instance_actions') == [server_id]
        assert _rows(mariadb, name, 'block_device_mappings') == [server_id] * 2
        assert _rows(mariadb, name, 'instance_group_members') == [server_id]
        assert _rows(mariadb, name, 'quota_reservations') == []
        server = api.get(f'/servers/{server_id}', version='2.64')
        assert server.status_int == 200
        assert sorted(server.json_body_or_none['server']['tags']) == ['blue', 'prod']
    else:
        assert response.status_int in (500, 503), response.text
        assert created == []
        for table in ('block_device_mappings', 'instance_group_members', 'tags'):
            assert _rows(mariadb, name, table) == [], table


def test_a_connection_dropped_as_the_quota_hold_commits_still_creates_the_server(
        db, mariadb, conf, flavor, image, compute_host):  # noqa: F811
    dropper, name = db
    conf.set_override('placement_wait_timeout', 1, 'conductor')
    api = Client(api_app.load_app(conf))
    dropper.arm(_WRITES['reserve'].encode(), True)
    response = api.post('/servers', boot_body(image, networks='none'), version='2.64')
    assert dropper.dropped.is_set()
    assert response.status_int == 202, response.text
    assert _rows(mariadb, name, 'instances') == [response.json_body_or_none['server']['id']]
    # The hold made before the drop was found, not made twice, and released.
    assert _rows(mariadb, name, 'quota_reservations') == []
