"""The alembic migrations build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from novalite.db import engine, migration, models
from tests.integration.conftest import make_database


def _schema_diff():
    with engine.get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={'compare_type': True})
        return compare_metadata(context, models.Base.metadata)


def test_migrations_match_models_on_sqlite(db):
    assert _schema_diff() == []


@pytest.mark.integration
@pytest.mark.parametrize('kind', ['mariadb', 'postgresql'])
def test_migrations_match_models_on_server_databases(conf, tmp_path, kind):
    url, drop = make_database(kind, tmp_path)
    try:
        engine.configure(url)
        migration.db_sync()
        assert _schema_diff() == []
    finally:
        engine.configure('sqlite://')
        drop()


def test_db_sync_twice_is_a_no_op(db):
    migration.db_sync()
    assert migration.db_version() == migration.head_revision()


def test_db_version_of_an_empty_database_is_none(conf, tmp_path):
    engine.configure(f'sqlite:///{tmp_path}/empty.sqlite')
    assert migration.db_version() is None
