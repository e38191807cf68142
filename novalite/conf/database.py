"""Database options: oslo.db's ``[database]`` group with novalite's default.

The compute service must run with no ``[database] connection`` at all: it
persists everything through the conductor.
"""

from oslo_db import options as db_options

_DEFAULT_CONNECTION = 'sqlite:///$state_path/novalite.sqlite'


def register_opts(conf):
    db_options.set_defaults(conf, connection=_DEFAULT_CONNECTION)


def list_opts():
    return {'database': db_options.database_opts}
