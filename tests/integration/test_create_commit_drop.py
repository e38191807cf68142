"""A database connection dropped at a server create's commit: one server or none.

The API runs in process on a private MariaDB reached through
:class:`~tests.integration.commit_dropper.CommitDropper`, which cuts the
connection at the COMMIT of the transaction that writes the instance rows:
before the COMMIT reaches the server (nothing was written) or after the
server committed it (the rows exist, the API's connection broke before it
heard so). Either way the create must end as a user can trust: a 202 with
exactly the server it names, or a failure with nothing created.
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


def _rows(mariadb, name, table):
    """Rows as MariaDB itself has them, past the dropper."""
    conn = pymysql.connect(host='127.0.0.1', port=mariadb.port, user='root', database=name)
    with conn.cursor() as cursor:
        cursor.execute(f'SELECT uuid FROM {table} WHERE deleted = 0' if table == 'instances'
                       else f'SELECT instance_uuid FROM {table}')
        found = [row[0] for row in cursor.fetchall()]
    conn.close()
    return found


@pytest.mark.parametrize('committed', [False, True], ids=['before-commit', 'after-commit'])
def test_a_connection_dropped_at_the_create_commit_leaves_one_server_or_none(
        db, mariadb, conf, flavor, image, compute_host, committed):  # noqa: F811
    dropper, name = db
    api = Client(api_app.load_app(conf))
    dropper.arm(b'INSERT INTO instances', committed)
    response = api.post('/servers', boot_body(image, networks='none'), version='2.37')
    assert dropper.dropped.is_set()

    created = _rows(mariadb, name, 'instances')
    if response.status_int == 202:
        server_id = response.json_body_or_none['server']['id']
        assert created == [server_id]
        assert _rows(mariadb, name, 'instance_actions') == [server_id]
        assert api.get(f'/servers/{server_id}').status_int == 200
    else:
        assert response.status_int in (500, 503), response.text
        assert created == []
