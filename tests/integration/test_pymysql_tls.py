"""New MariaDB connections share one "preferred" TLS context, and still work."""

import pymysql
import sqlalchemy as sa

from novalite.db import engine, pymysql_tls


def _open_connections(url, count):
    engine.configure(url)
    try:
        pool = engine.get_engine()
        # oslo.db's test connection at engine creation predates the hook.
        pool.dispose()
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
    assert isinstance(first, pymysql_tls.Connection)
    assert first is not second
    assert first.ctx is second.ctx


def test_connections_given_tls_options_are_pymysqls_own(conf, mariadb_url):
    first, second = _open_connections(mariadb_url + '&ssl_disabled=true', 2)
    assert type(first) is type(second) is pymysql.connections.Connection
