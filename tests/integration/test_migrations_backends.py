"""The alembic migrations on MariaDB and PostgreSQL: the schema and the data moves."""

import pytest

from novalite.db import engine, migration
from tests.functional.db.migration_checks import check_upgrade_to_0002, schema_diff
from tests.integration.conftest import make_database

pytestmark = pytest.mark.integration


@pytest.mark.parametrize('kind', ['mariadb', 'postgresql'])
def test_migrations_match_models_on_server_databases(conf, tmp_path, kind):
    url, drop = make_database(kind, tmp_path)
    try:
        engine.configure(url)
        migration.db_sync()
        assert schema_diff() == []
    finally:
        engine.configure('sqlite://')
        drop()


@pytest.mark.parametrize('kind', ['mariadb', 'postgresql'])
def test_upgrade_to_0002_moves_metadata_and_fills_the_network_info_cache(conf, tmp_path, kind):
    check_upgrade_to_0002(kind, tmp_path)
