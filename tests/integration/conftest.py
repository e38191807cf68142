"""Databases for integration tests: a fresh one per test on each engine."""

import importlib.util
import uuid

import psycopg
import pymysql
import pytest

ENGINES = ('sqlite', 'mariadb', 'postgresql')

# The real-guest tests need the [libvirt] extra; without it they are not collected.
collect_ignore = [] if importlib.util.find_spec('libvirt') else ['libvirt']


def _create_mariadb(name):
    conn = pymysql.connect(host='127.0.0.1', user='root', autocommit=True)
    with conn.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE {name} CHARACTER SET utf8mb4')
    conn.close()
    return f'mysql+pymysql://root@127.0.0.1/{name}?charset=utf8mb4'


def _drop_mariadb(name):
    conn = pymysql.connect(host='127.0.0.1', user='root', autocommit=True)
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS {name}')
    conn.close()


def _create_postgresql(name):
    with psycopg.connect('host=127.0.0.1 user=postgres dbname=postgres', autocommit=True) as c:
        c.execute(f'CREATE DATABASE {name}')
    return f'postgresql+psycopg://postgres@127.0.0.1/{name}'


def _drop_postgresql(name):
    with psycopg.connect('host=127.0.0.1 user=postgres dbname=postgres', autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')


def make_database(kind, tmp_path):
    """Create an empty database on ``kind``; returns (url, drop callable)."""
    name = 'novalite_' + uuid.uuid4().hex[:10]
    if kind == 'sqlite':
        return f'sqlite:///{tmp_path}/novalite.sqlite', lambda: None
    if kind == 'mariadb':
        return _create_mariadb(name), lambda: _drop_mariadb(name)
    return _create_postgresql(name), lambda: _drop_postgresql(name)


@pytest.fixture(params=ENGINES)
def database_url(request, tmp_path):
    url, drop = make_database(request.param, tmp_path)
    yield url
    drop()


@pytest.fixture
def sqlite_url(tmp_path):
    return f'sqlite:///{tmp_path}/novalite.sqlite'


@pytest.fixture
def mariadb_url(tmp_path):
    url, drop = make_database('mariadb', tmp_path)
    yield url
    drop()


def pytest_collection_modifyitems(config, items):
    """Everything under tests/integration is an integration test, marked or not."""
    for item in items:
        if '/tests/integration/' in str(item.path):
            item.add_marker(pytest.mark.integration)
