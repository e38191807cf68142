"""The API during a database restart: requests wait for it instead of answering 500."""

import pytest
from oslo_db import exception as db_exc
from sqlalchemy import orm

from novalite.db import engine
from novalite.db import instances as db_instances
from tests.functional.api.conftest import boot_body


@pytest.fixture
def database_restarting(monkeypatch):
    """The next three connections fail as they do while MariaDB restarts."""
    monkeypatch.setattr(engine.time, 'sleep', lambda seconds: None)
    real_connection = orm.Session.connection
    failures = iter(range(3))

    def connection(session, *args, **kwargs):
        if next(failures, None) is not None:
            raise db_exc.DBConnectionError("(2003, Can't connect to MySQL server)")
        return real_connection(session, *args, **kwargs)

    monkeypatch.setattr(orm.Session, 'connection', connection)


def test_a_create_during_a_database_restart_answers_202_with_its_server(api, flavor, image,
                                                                        database_restarting):
    resp = api.post('/servers', boot_body(image))
    assert resp.status_int == 202
    assert db_instances.instance_get(resp.json['server']['id'])['vm_state'] == 'building'


def test_a_listing_during_a_database_restart_answers_200(api, flavor, image,
                                                         database_restarting):
    assert api.get('/servers/detail').status_int == 200
