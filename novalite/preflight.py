"""What an operator may have left out, said in one line before a daemon starts.

:func:`operator_errors` wraps an entry point: a :class:`Missing` raised by a
check here, a config file that cannot be read, or a database that does not
exist or does not answer becomes ``novalite-compute: ERROR: <what is
missing>: <how to fix it>`` on stderr and exit status 1, not a traceback.
"""

import functools
import os
import socket
import sys
import urllib.parse

from oslo_config import cfg

from novalite.conf import CONF

_SYSTEM_SOCKET_DIR = '/run/libvirt'
# libvirtd, or virtqemud where libvirt runs its modular daemons.
_DAEMON_SOCKETS = ('libvirt-sock', 'virtqemud-sock')


class Missing(Exception):
    """Something the host lacks: the message says what, and how to fix it."""


def _database_errors():
    """oslo.db's errors for a database that is missing or does not answer.

    Looked up in ``sys.modules``: a daemon that never imported oslo.db (a
    compute host, which holds no database credentials) cannot have raised
    them, and importing it here would cost each such daemon the memory of
    oslo.db and SQLAlchemy. An empty tuple matches no exception.
    """
    db_exc = sys.modules.get('oslo_db.exception')
    if db_exc is None:
        return ()
    return (db_exc.DBNonExistentDatabase, db_exc.DBConnectionError)


def _database_message(exc):
    from oslo_db import exception as db_exc
    from sqlalchemy.engine import make_url

    url = make_url(CONF.database.connection)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == 'sqlite':
        return (f"cannot open the SQLite database {url.database}: create the directory "
                f"{os.path.dirname(url.database or '') or '.'} or correct "
                f"[database] connection")
    if isinstance(exc, db_exc.DBNonExistentDatabase):
        return (f"the database {url.database!r} does not exist on {shown}: create it "
                f"(CREATE DATABASE {url.database}; or createdb {url.database}) or correct "
                f"[database] connection, then run novalite-manage db sync")
    return (f"cannot connect to the database {shown}: is its server running and is "
            f"[database] connection right? ({str(exc.inner_exception or exc).splitlines()[0]})")


def operator_errors(main):
    """Decorator of an entry point: operator errors exit 1 with one line, no traceback."""
    @functools.wraps(main)
    def wrapper(*args, **kwargs):
        prog = os.path.basename(sys.argv[0]) or 'novalite'
        try:
            return main(*args, **kwargs)
        except Missing as exc:
            message = str(exc)
        except _database_errors() as exc:
            message = _database_message(exc)
        except cfg.Error as exc:
            message = f"{str(exc).splitlines()[0]}: check the config files given"
        print(f"{prog}: ERROR: {message}", file=sys.stderr)
        sys.exit(1)
    return wrapper


def _listening(path):
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except PermissionError:
        return True  # someone listens; libvirt will say if we may not talk to it
    except OSError:
        return False
    finally:
        probe.close()
    return True


def _local_socket_dir(uri):
    """The directory of a local qemu:///system daemon's sockets, or None (remote, test)."""
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme != 'qemu' or parts.netloc or parts.path != '/system':
        return None
    given = urllib.parse.parse_qs(parts.query).get('socket')
    return os.path.dirname(given[0]) if given else _SYSTEM_SOCKET_DIR


def libvirt_host(conf=CONF):
    """:raises Missing: the libvirt driver's binding, libvirtd or virtlogd is absent."""
    if conf.compute_driver != 'libvirt':
        return
    try:
        import libvirt  # noqa: F401
    except ImportError:
        raise Missing("compute_driver = libvirt needs the libvirt-python binding, which "
                      "this Python lacks: pip install 'novalite[libvirt]' (it builds "
                      "against libvirt-dev and pkg-config)") from None
    directory = _local_socket_dir(conf.libvirt.connection_uri)
    if directory is None:
        return
    daemons = [os.path.join(directory, name) for name in _DAEMON_SOCKETS]
    if not any(_listening(path) for path in daemons):
        raise Missing(f"libvirtd is not running: nothing listens on {daemons[0]}: start it "
                      f"(systemctl start libvirtd) or point [libvirt] connection_uri "
                      f"at a running daemon")
    virtlogd = os.path.join(directory, 'virtlogd-sock')
    if not _listening(virtlogd):
        raise Missing(f"virtlogd is not running: nothing listens on {virtlogd}, and QEMU "
                      f"guests log through it, so every boot would fail: start it "
                      f"(systemctl start virtlogd)")
