"""How novalite opens PyMySQL connections: one TLS context, fast DATETIME decoding.

Given no ``ssl`` options, PyMySQL tries TLS when the server offers it and
builds a new context for every connection, loading the system CA bundle each
time although that context verifies nothing. One context serves them all: a
burst of builds that filled the conductor's pool spent an eighth of its CPU
there. Connections given TLS options get PyMySQL's own connection class.

PyMySQL decodes DATETIME and TIMESTAMP values with a regular expression and
int() per field, thirty times slower than ``datetime.fromisoformat`` (C);
a listing of servers decodes over a thousand. Every connection decodes them
with the latter, and leaves what it refuses (zero dates) to PyMySQL.
"""

import datetime

import pymysql
from pymysql import converters
from pymysql.constants import FIELD_TYPE

_preferred_context = None


def _datetime(text):
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return converters.convert_datetime(text)


CONVERSIONS = dict(converters.conversions)
CONVERSIONS[FIELD_TYPE.DATETIME] = CONVERSIONS[FIELD_TYPE.TIMESTAMP] = _datetime


class Connection(pymysql.connections.Connection):
    def _create_ssl_ctx(self, sslp):
        global _preferred_context
        if sslp:
            return super()._create_ssl_ctx(sslp)
        if _preferred_context is None:
            _preferred_context = super()._create_ssl_ctx(sslp)
        return _preferred_context


def connect(_dialect, _record, cargs, cparams):
    """SQLAlchemy's ``do_connect`` hook; None leaves the connect to the dialect."""
    cparams.setdefault('conv', CONVERSIONS)
    if any(key == 'ssl' or key.startswith('ssl_') for key in cparams):
        return None
    return Connection(*cargs, **cparams)
