"""Reach a loopback service of the host from inside the test network namespace.

A daemon run in the harness's namespace (``ip netns exec``) sees only that
namespace's loopback, while RabbitMQ listens on 127.0.0.1 of the host's.
:class:`LoopbackRelay` listens on ``127.0.0.1:port`` *inside* the namespace
and relays each connection to ``127.0.0.1:port`` of the host. No unix socket
or helper process is needed: a socket belongs to the namespace it was
created in, so the listener is created while the calling thread is switched
into the namespace and is served afterwards from ordinary threads.
"""

import contextlib
import socket
import threading

_CHUNK = 64 * 1024


class LoopbackRelay:
    """Relay ``127.0.0.1:port`` of the harness's namespace to the host's loopback.

    :param harness: a started :class:`harness.LibvirtHarness`.
    :param port: the port to listen on inside the namespace.
    :param target: ``(host, port)`` to connect to from the host's namespace;
        defaults to the same port on 127.0.0.1.
    """

    def __init__(self, harness, port, target=None):
        self.harness = harness
        self.port = port
        self.target = target or ('127.0.0.1', port)
        self._listener = None
        self._sockets = set()
        self._lock = threading.Lock()

    def start(self):
        with self.harness.entered():
            self._listener = socket.create_server(('127.0.0.1', self.port))
        threading.Thread(target=self._accept_loop, name=f'relay-{self.port}',
                         daemon=True).start()
        return self

    def stop(self):
        """Stop listening and cut every relayed connection."""
        with contextlib.suppress(OSError):
            # shutdown, not just close, wakes the thread blocked in accept().
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            doomed, self._sockets = self._sockets, set()
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept_loop(self):
        while True:
            try:
                inside, _addr = self._listener.accept()
            except OSError:
                return
            try:
                outside = socket.create_connection(self.target, timeout=10)
                outside.settimeout(None)
            except OSError:
                inside.close()
                continue
            with self._lock:
                self._sockets.update((inside, outside))
            for source, sink in ((inside, outside), (outside, inside)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(_CHUNK):
                sink.sendall(data)
        except OSError:
            pass
        # Either side closing ends both directions: AMQP has no half-close.
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with self._lock:
            self._sockets.discard(source)
            self._sockets.discard(sink)
        source.close()
