"""A database outage delays transactions instead of failing them."""

import pytest
from oslo_db import exception as db_exc
from sqlalchemy import orm

from novalite.db import engine, services


@pytest.fixture
def sleeps(monkeypatch):
    slept = []
    # Only the waits: other code yields with sleep(0).
    monkeypatch.setattr(engine.time, 'sleep', lambda seconds: seconds and slept.append(seconds))
    return slept


def _unreachable_for(monkeypatch, attempts):
    real_connection = orm.Session.connection
    failures = iter(range(attempts))

    def connection(session, *args, **kwargs):
        if next(failures, None) is not None:
            raise db_exc.DBConnectionError("Can't connect to MySQL server")
        return real_connection(session, *args, **kwargs)

    monkeypatch.setattr(orm.Session, 'connection', connection)


def test_a_transaction_waits_with_backoff_for_the_database_to_come_back(db, monkeypatch,
                                                                       sleeps):
    _unreachable_for(monkeypatch, 3)
    service = services.service_get_or_create('host1', 'novalite-compute', 'compute')
    assert service['host'] == 'host1'
    assert sleeps == [1, 2, 4]


def test_a_transaction_fails_once_the_database_stays_away_past_every_retry(db, conf,
                                                                          monkeypatch, sleeps):
    conf.set_override('db_max_retries', 2, group='database')
    _unreachable_for(monkeypatch, 3)
    with pytest.raises(db_exc.DBConnectionError):
        services.service_get_all()
    assert sleeps == [1, 2]


def test_a_unit_of_work_cut_by_a_dropped_connection_runs_again_whole(db, sleeps):
    calls = []

    @engine.retry_on_disconnect
    def unit_of_work():
        calls.append(True)
        if len(calls) == 1:
            raise db_exc.DBConnectionError('Lost connection to MySQL server during query')
        return services.service_get_or_create('host1', 'novalite-compute', 'compute')

    assert unit_of_work()['host'] == 'host1'
    assert len(calls) == 2
