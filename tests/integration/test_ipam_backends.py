"""The atomic allocation on the server databases CI has: MariaDB and PostgreSQL.

Skipped where the local server does not answer; uses a database of its own.
"""

import concurrent.futures
import uuid

import pytest
import sqlalchemy as sa

from novalite.db import engine, models
from novalite.network import api, model
from tests.functional.network.conftest import create_schema

DATABASE = 'novalite_ipam_test'
# Server URLs without a database, and the statement that makes ours.
BACKENDS = {
    'mariadb': ('mysql+pymysql://root@127.0.0.1/',
                f'CREATE DATABASE IF NOT EXISTS {DATABASE}'),
    'postgresql': ('postgresql+psycopg://postgres@127.0.0.1/postgres',
                   f'CREATE DATABASE {DATABASE}'),
}


def _own_database(server_url, create):
    """URL of a database of our own, so other suites' tables are never touched."""
    server = sa.create_engine(server_url, isolation_level='AUTOCOMMIT')
    try:
        with server.connect() as conn:
            try:
                conn.execute(sa.text(create))
            except sa.exc.ProgrammingError:
                pass  # PostgreSQL has no IF NOT EXISTS for databases
    finally:
        server.dispose()
    return sa.engine.make_url(server_url).set(database=DATABASE).render_as_string(
        hide_password=False)


@pytest.fixture(params=sorted(BACKENDS))
def server_db(request, net_conf):
    server_url, create = BACKENDS[request.param]
    try:
        url = _own_database(server_url, create)
    except sa.exc.OperationalError as exc:
        pytest.skip(f"{request.param} not reachable: {exc}")
    create_schema(url)
    yield url
    models.Base.metadata.drop_all(engine.get_engine())
    engine.configure('sqlite://')


@pytest.mark.integration
def test_racing_allocations_get_distinct_addresses_and_exhaust_cleanly(server_db, net_conf):
    api.ensure_network(net_conf)
    instances = [str(uuid.uuid4()) for _ in range(6)]

    def allocate(instance):
        try:
            return model.fixed_addresses(
                api.allocate_for_instance(None, instance, 'host1', conf=net_conf))[0]
        except api.NoMoreFixedIps:
            return None

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        addresses = list(pool.map(allocate, instances))
    got = [a for a in addresses if a]
    assert len(got) == 4 and len(set(got)) == 4
    assert addresses.count(None) == 2
