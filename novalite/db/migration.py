"""Schema migrations: ``novalite-manage db sync`` runs alembic to the newest revision."""

import os

from alembic import command
from alembic.config import Config
from alembic.runtime import migration as alembic_migration
from alembic.script import ScriptDirectory

from novalite.db import engine

_SCRIPT_LOCATION = os.path.join(os.path.dirname(__file__), 'migrations')


def _config():
    config = Config()
    config.set_main_option('script_location', _SCRIPT_LOCATION)
    return config


def db_sync(revision='head'):
    """Upgrade the schema to ``revision``; a no-op when it is already there."""
    config = _config()
    with engine.get_engine().begin() as connection:
        config.attributes['connection'] = connection
        command.upgrade(config, revision)


def db_version():
    """The schema's current revision, or None for an empty database."""
    with engine.get_engine().connect() as connection:
        return alembic_migration.MigrationContext.configure(connection).get_current_revision()


def head_revision():
    return ScriptDirectory.from_config(_config()).get_current_head()
