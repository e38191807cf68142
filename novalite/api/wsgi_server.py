"""The API's HTTP server: eventlet's WSGI server on a green pool.

``bind()`` reserves the port (so ``port`` 0 picks a free port, readable
from ``.port`` afterwards) with a socket that is bound but never listens:
called before the launcher forks API workers, so a port in use fails the
launch. ``start()`` binds if that was not done, then listens on a socket of
its own in the port's ``SO_REUSEPORT`` group and serves in a green thread;
``stop()`` stops accepting, closes idle keep-alive connections and lets
requests in flight finish; ``wait()`` returns once it has.
:class:`WSGIService` runs one paste app on it as an oslo.service service:
the compute, image and volume APIs each are one.
"""

import gc
import socket

import eventlet
import eventlet.wsgi
import greenlet
from oslo_log import log as logging
from oslo_service import service as oslo_service

from novalite import concurrency
from novalite.conf import CONF

LOG = logging.getLogger(__name__)


class _WSGILog:
    """eventlet writes its access log to a file-like object: send it to oslo.log."""

    def write(self, message):
        LOG.debug(message.rstrip())


class WSGIServer:
    def __init__(self, app, host, port, pool_size):
        self.app = app
        self.host, self.port = host, port
        self.pool = concurrency.GreenPool(pool_size)
        self._family = socket.AF_INET6 if ':' in host else socket.AF_INET
        self._reservation = None
        self._thread = None

    def bind(self):
        if self._reservation is not None:
            return
        # Not listening, it receives no connections: the kernel hands them
        # only to the listening sockets of the group.
        self._reservation = socket.socket(self._family, socket.SOCK_STREAM)
        self._reservation.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._reservation.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        self._reservation.bind((self.host, self.port))
        self.port = self._reservation.getsockname()[1]
        LOG.info("Serving HTTP on %s:%s", self.host, self.port)

    def start(self):
        self.bind()
        # One listening socket per process, the kernel spreading connections
        # across them: from one shared socket, the worker that woke first
        # accepted most of a burst (of 200 listings, 1.8 s of CPU in one
        # worker and 0.5 s in the other) and served it alone.
        listener = eventlet.listen((self.host, self.port), family=self._family,
                                   backlog=128, reuse_port=True)
        # Listings allocate many short-lived dicts, triggering collections
        # that would rescan the whole start-up heap (libraries, the app):
        # freezing it keeps those collections small.
        gc.freeze()
        self._thread = concurrency.spawn(
            eventlet.wsgi.server, listener, self.app, custom_pool=self.pool,
            log=_WSGILog(), log_output=True, socket_timeout=900)

    def stop(self):
        """Stop accepting; requests in flight still finish (see :meth:`wait`)."""
        if self._thread is not None:
            # eventlet.wsgi.server closes idle connections and waits for the
            # busy ones in its finally clause, which the kill runs.
            self._thread.kill()

    def wait(self):
        if self._thread is None:
            return
        try:
            self._thread.wait()  # eventlet.wsgi.server closes the listener
        except greenlet.GreenletExit:
            pass
        self._thread = None
        self._reservation.close()
        self._reservation = None


class WSGIService(oslo_service.ServiceBase):
    """A paste app on a :class:`WSGIServer`, for oslo.service's signal handling and drain.

    The port is reserved at construction, before a launcher forks workers
    (``.server.port`` is then the port bound, when ``port`` was 0); each
    worker listens on it when started.
    """

    def __init__(self, app_name, listen, port):
        from novalite.api import app
        self.server = WSGIServer(app.load_app(name=app_name), listen, port,
                                 CONF.api.wsgi_pool_size)
        self.server.bind()

    def start(self):
        self.server.start()

    def stop(self):
        self.server.stop()

    def wait(self):
        self.server.wait()

    def reset(self):
        pass
