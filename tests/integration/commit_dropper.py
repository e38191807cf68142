"""A TCP proxy in front of MariaDB that drops a connection at a chosen COMMIT.

Armed with a statement (``INSERT INTO instances``), it watches every
connection; on the first ``COMMIT`` a connection sends after that statement
it cuts the connection, either before forwarding the COMMIT (the server
rolls back) or after the server has answered it (the transaction is
committed, and the client never learns it). That is the window in which a
real network fault leaves a client unsure whether its write happened.
"""

import socket
import threading

# PyMySQL sends a commit as a COM_QUERY (0x03) packet with the text COMMIT.
_COMMIT = b'\x03COMMIT'


class CommitDropper:
    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self._listener = socket.create_server(('127.0.0.1', 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._armed = None
        self.dropped = threading.Event()

    def start(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def arm(self, statement, committed):
        """Drop at the next COMMIT after ``statement``; ``committed``: let it reach the server."""
        with self._lock:
            self._armed = (statement, committed)
            self.dropped.clear()

    def _claim(self):
        with self._lock:
            armed, self._armed = self._armed, None
            return armed

    def _accept(self):
        while True:
            client, _ = self._listener.accept()
            server = socket.create_connection(('127.0.0.1', self.upstream_port))
            state = {'seen': False, 'cut_at_reply': False}
            threading.Thread(target=self._upstream, args=(client, server, state),
                             daemon=True).start()
            threading.Thread(target=self._downstream, args=(client, server, state),
                             daemon=True).start()

    def _cut(self, client, server):
        self.dropped.set()
        for sock in (client, server):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _upstream(self, client, server, state):
        try:
            while data := client.recv(65536):
                armed = self._armed
                if armed and armed[0] in data:
                    state['seen'] = True
                if state['seen'] and _COMMIT in data and (armed := self._claim()):
                    if not armed[1]:
                        self._cut(client, server)
                        return
                    state['cut_at_reply'] = True
                server.sendall(data)
        except OSError:
            pass
        self._cut(client, server)

    def _downstream(self, client, server, state):
        try:
            while data := server.recv(65536):
                if state['cut_at_reply']:
                    self._cut(client, server)
                    return
                client.sendall(data)
        except OSError:
            pass
        self._cut(client, server)
