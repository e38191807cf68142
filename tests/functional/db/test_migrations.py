"""The alembic migrations build exactly the schema the models describe, on SQLite.

The same checks on MariaDB and PostgreSQL are in
``tests/integration/test_migrations_backends.py``.
"""

from novalite.db import engine, migration
from tests.functional.db.migration_checks import check_upgrade_to_0002, schema_diff


def test_migrations_match_models_on_sqlite(db):
    assert schema_diff() == []


def test_db_sync_twice_is_a_no_op(db):
    migration.db_sync()
    assert migration.db_version() == migration.head_revision()


def test_db_version_of_an_empty_database_is_none(conf, tmp_path):
    engine.configure(f'sqlite:///{tmp_path}/empty.sqlite')
    assert migration.db_version() is None


def test_upgrade_to_0002_moves_metadata_and_fills_the_network_info_cache(conf, tmp_path):
    check_upgrade_to_0002('sqlite', tmp_path)
