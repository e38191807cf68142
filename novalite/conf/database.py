"""Database options: oslo.db's ``[database]`` group with novalite's default.

The compute service must run with no ``[database] connection`` at all: it
persists everything through the conductor.
"""

from oslo_config import cfg
from oslo_db import options as db_options

_DEFAULT_CONNECTION = 'sqlite:///$state_path/novalite.sqlite'

# The conductor serves up to 64 RPC messages at once (oslo.messaging's
# executor_thread_pool_size); with oslo.db's default pool of 5, most of them
# opened and closed a connection of their own, which cost 40% of its CPU.
_POOL_SIZE = 32
# No overflow: an overflow connection is opened for one transaction and closed
# after it, and under a burst of builds that churn (PyMySQL builds a TLS
# context for every new connection) took a third of the conductor's CPU.
# Waiting for a pooled connection is cheaper than opening one.
_MAX_OVERFLOW = 0
# No connection test when the engine is made: every transaction waits for an
# unreachable database instead (novalite.db.engine), saying so in the log,
# for as long as [database] db_max_retries allows; a start-up test of its own
# would only stall the first one with a less telling message.
_START_RETRIES = 0


def register_opts(conf):
    db_options.set_defaults(conf, connection=_DEFAULT_CONNECTION, max_pool_size=_POOL_SIZE,
                            max_overflow=_MAX_OVERFLOW)
    cfg.set_defaults(db_options.database_opts, max_retries=_START_RETRIES)


def list_opts():
    return {'database': db_options.database_opts}
