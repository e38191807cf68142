"""PyMySQL connections that share one context for "preferred" TLS.

Given no ``ssl`` options, PyMySQL tries TLS when the server offers it and
builds a new context for every connection, loading the system CA bundle each
time although that context verifies nothing. One context serves them all: a
burst of builds that filled the conductor's pool spent an eighth of its CPU
there. Connections given TLS options are PyMySQL's own, unchanged.
"""

import pymysql

_preferred_context = None


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
    if any(key == 'ssl' or key.startswith('ssl_') for key in cparams):
        return None
    return Connection(*cargs, **cparams)
