"""New MariaDB connections share one "preferred" TLS context and decode DATETIMEs fast."""

import datetime

import pymysql
import sqlalchemy as sa

from novalite.db import engine, pymysql_connect


def _open_connections(url, count):
    engine.configure(url)
    try:
        pool = engine.get_engine()
        connections = [pool.connect() for _ in range(count)]
        try:
            assert all(c.execute(sa.text('SELECT 1')).scalar() == 1 for c in connections)
            return [c.connection.dbapi_connection for c in connections]
        finally:
            for connection in connections:
                connection.close()
    finally:
        engine.configure('sqlite://')


def test_new_connections_share_one_preferred_tls_context(conf, mariadb_url):
    first, second = _open_connections(mariadb_url, 2)
    assert isinstance(first, pymysql_connect.Connection)
    assert first is not second
    assert first.ctx is second.ctx


def test_connections_given_tls_options_are_pymysqls_own(conf, mariadb_url):
    first, second = _open_connections(mariadb_url + '&ssl_disabled=true', 2)
    assert type(first) is type(second) is pymysql.connections.Connection


def test_the_first_pooled_connection_is_a_tuned_one(conf, mariadb_url):
    engine.configure(mariadb_url)
    try:
        with engine.get_engine().connect() as connection:
            assert isinstance(connection.connection.dbapi_connection, pymysql_connect.Connection)
    finally:
        engine.configure('sqlite://')


def _decoded(url, sql):
    engine.configure(url)
    try:
        with engine.get_engine().connect() as connection:
            return connection.execute(sa.text(sql)).scalar()
    finally:
        engine.configure('sqlite://')


def test_datetimes_decode_to_datetimes_with_their_fraction(conf, mariadb_url):
    assert _decoded(mariadb_url, "SELECT CAST('2026-11-22 11:42:18.25' AS DATETIME(6))") == \
        datetime.datetime(2026, 11, 22, 11, 42, 18, 250000)


def test_connections_given_tls_options_decode_datetimes_fast_too(conf, mariadb_url):
    first, _second = _open_connections(mariadb_url + '&ssl_disabled=true', 2)
    assert first.decoders[pymysql.constants.FIELD_TYPE.DATETIME] is pymysql_connect._datetime
