"""Engine and transactions: oslo.db's enginefacade configured from ``[database]``.

Every DB API function opens its transaction with :func:`writer` or
:func:`reader`; transactions never span an RPC call. A transaction that
cannot get a connection (the database restarts, or is not up yet) waits for
it with backoff rather than failing: nothing was done yet, so waiting is
always safe, and an outage shorter than ``[database] db_max_retries`` rounds
of backoff costs the callers time, not errors.
"""

import contextlib
import functools
import sys
import time

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_log import log as logging
from sqlalchemy import event

from novalite.conf import CONF

LOG = logging.getLogger(__name__)

@enginefacade.transaction_context_provider
class _Transaction:
    """Carrier of one enginefacade transaction; contexts stay DB-free."""


_BEGIN_MODE = 'novalite_sqlite_begin'


def _tune_sqlite(engine):
    if engine.dialect.name != 'sqlite':
        return

    @event.listens_for(engine, 'connect')
    def _pragmas(dbapi_connection, _record):
        # WAL lets the api, conductor and scheduler processes read while one
        # of them writes; the busy timeout queues writers instead of failing.
        cursor = dbapi_connection.cursor()
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA busy_timeout=30000')
        cursor.close()

    @event.listens_for(engine, 'begin', insert=True)
    def _begin_immediate(connection):
        # A deferred transaction that reads and then writes cannot upgrade its
        # lock once another process has written (SQLITE_BUSY without waiting);
        # writers take the write lock up front so the busy timeout applies.
        # oslo.db emits a plain BEGIN next unless ``in_transaction`` says one is open.
        if connection.get_execution_options().get(_BEGIN_MODE) != 'IMMEDIATE':
            return
        if connection.connection.dbapi_connection.in_transaction:
            # oslo.db's liveness ping on checkout leaves a read-only one open.
            connection.exec_driver_sql('ROLLBACK')
        connection.exec_driver_sql('BEGIN IMMEDIATE')
        connection.info['in_transaction'] = True


def _tune_pymysql(engine):
    if engine.dialect.driver == 'pymysql':
        from novalite.db import pymysql_connect
        event.listen(engine, 'do_connect', pymysql_connect.connect)
        # oslo.db opened a test connection before this hook was listening, and
        # pooled it: close it, so that every pooled connection is a tuned one.
        engine.pool.dispose()


def _new_manager(connection=None):
    manager = enginefacade.transaction_context()
    options = {'connection': connection or CONF.database.connection,
               'max_pool_size': CONF.database.max_pool_size,
               'max_overflow': CONF.database.max_overflow,
               'pool_timeout': CONF.database.pool_timeout,
               'connection_recycle_time': CONF.database.connection_recycle_time,
               'max_retries': CONF.database.max_retries,
               'retry_interval': CONF.database.retry_interval}
    manager.configure(**options)
    manager.append_on_engine_create(_tune_sqlite)
    manager.append_on_engine_create(_tune_pymysql)
    return manager


_manager = None


def configure(connection=None):
    """(Re)build the engine, from ``[database] connection`` unless given one."""
    global _manager
    if _manager is not None and _manager.is_started:
        _manager.dispose_pool()
    _manager = _new_manager(connection)
    return _manager


def _current():
    if _manager is None:
        configure()
    return _manager


# For writers that concurrent requests run on the same rows (an instance's
# steps, its action's events, a node's usage): MariaDB and PostgreSQL abort
# one side of a deadlock, and the whole transaction is safe to run again.
retry_on_deadlock = oslo_db_api.wrap_db_retry(max_retries=5, retry_on_deadlock=True,
                                              retry_interval=0.1, max_retry_interval=1,
                                              jitter=True)


def retry_on_disconnect(function):
    """Run ``function`` again if the database connection drops under it.

    For units of work that are safe to repeat whole (the conductor's proxy
    calls, a create in one transaction): the few transactions in flight when
    the database goes away fail mid-way, and are rolled back. Backoff as
    ``[database] db_retry_interval``, ``db_max_retry_interval`` and
    ``db_max_retries`` say, read when called.
    """
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        database = CONF.database
        retry = oslo_db_api.wrap_db_retry(
            retry_interval=database.db_retry_interval, max_retries=database.db_max_retries,
            inc_retry_interval=database.db_inc_retry_interval,
            max_retry_interval=database.db_max_retry_interval, retry_on_disconnect=True)
        return retry(function)(*args, **kwargs)
    return wrapper


def write_once(write, written):
    """Run the transaction ``write()`` once, even if the connection drops under it.

    A connection lost during the COMMIT leaves its outcome unknown: the
    server may have committed before the reply was lost. ``written()``
    (run on a fresh connection) answers what ``write()`` would have, if the
    transaction is in the database, else None; then ``write()`` runs again,
    after the backoff of ``[database] db_retry_interval`` and its siblings.

    :raises DBConnectionError: the database stayed unreachable.
    """
    for delay in [*_backoff(), None]:
        try:
            return write()
        except db_exc.DBConnectionError as exc:
            found = written()
            if found is not None:
                LOG.info('The connection dropped as the transaction committed; it had')
                return found
            if delay is None:
                raise
            LOG.warning('The connection dropped under a transaction (%s); running it again '
                        'in %s s', str(exc.inner_exception or exc).splitlines()[0], delay)
            time.sleep(delay)


def _backoff():
    """Seconds to sleep between attempts to reach the database; then give up."""
    database = CONF.database
    delay = database.db_retry_interval
    for _attempt in range(database.db_max_retries):
        yield delay
        if database.db_inc_retry_interval:
            delay = min(delay * 2, database.db_max_retry_interval)


def _begin(mode, execution_options=None):
    """Enter a transaction of ``mode`` holding a live connection; returns (stack, session).

    :raises DBConnectionError: the database stayed unreachable through every
        round of backoff.
    """
    for delay in [*_backoff(), None]:
        stack = contextlib.ExitStack()
        session = stack.enter_context(mode.using(_Transaction()))
        try:
            session.connection(execution_options=execution_options)
            return stack, session
        except db_exc.DBConnectionError as exc:
            stack.__exit__(*sys.exc_info())
            if delay is None:
                raise
            LOG.warning('Waiting for the database (%s); trying again in %s s',
                        str(exc.inner_exception or exc).splitlines()[0], delay)
            time.sleep(delay)


@contextlib.contextmanager
def writer():
    stack, session = _begin(_current().writer, {_BEGIN_MODE: 'IMMEDIATE'})
    with stack:
        yield session


@contextlib.contextmanager
def reader():
    stack, session = _begin(_current().reader)
    with stack:
        yield session


def get_engine():
    return _current().writer.get_engine()
