"""Waiting for servers to settle (``boot --wait``, ``delete --wait``).

Servers are polled one GET each per interval. Progress goes to stderr so that
stdout keeps only the result table: on a terminal one live line is rewritten in
place (``server web-1: BUILD (spawning) 3s``); otherwise (a log, a pipe, CI) a line
is written each time a server's status or task state changes.
"""

import collections
import sys
import time

from novalite.cli.exceptions import ClientError, NotFound

POLL_INTERVAL = 2.0

# A live line summarises by status past this many servers, to stay one line.
_LIVE_DETAIL_LIMIT = 3


class WaitTimeout(ClientError):
    """Servers did not settle within the time given."""

    def __init__(self, seconds, unsettled):
        super().__init__(None, f'timed out after {seconds:g}s waiting for '
                               + ', '.join(unsettled))


def describe(server):
    """A server's state in a few words: ``BUILD (spawning) 40%``."""
    if server is None:
        return 'deleted'
    text = server.get('status') or 'UNKNOWN'
    task = server.get('OS-EXT-STS:task_state')
    if task:
        text += f' ({task})'
    progress = server.get('progress')
    if isinstance(progress, int) and 0 < progress < 100:
        text += f' {progress}%'
    return text


class ProgressReporter:
    """Writes the states of a set of servers to ``stream`` as they change.

    :param labels: server ID -> the label to print (its name).
    :param stream: where to write; a terminal gets a live line.
    :param clock: returns seconds; the start is when the reporter is made.
    """

    def __init__(self, labels, stream=None, clock=time.monotonic):
        self.labels = labels
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, 'isatty', lambda: False)())
        self.clock = clock
        self.start = clock()
        self.last = {}
        self.width = 0

    def elapsed(self):
        return int(self.clock() - self.start)

    def report(self, states):
        """Show ``states`` (server ID -> server dict, None once gone)."""
        if self.live:
            self._rewrite(self._live_line(states))
            return
        for server_id, server in states.items():
            text = describe(server)
            if self.last.get(server_id) != text:
                self.last[server_id] = text
                self.stream.write(
                    f'server {self.labels[server_id]}: {text} {self.elapsed()}s\n')
        self.stream.flush()

    def _live_line(self, states):
        if len(states) <= _LIVE_DETAIL_LIMIT:
            parts = [f'server {self.labels[sid]}: {describe(s)}' for sid, s in states.items()]
            return '; '.join(parts) + f' {self.elapsed()}s'
        counts = collections.Counter(
            (s or {}).get('status', 'deleted') for s in states.values())
        summary = ', '.join(f'{n} {status}' for status, n in sorted(counts.items()))
        return f'{len(states)} servers: {summary} {self.elapsed()}s'

    def _rewrite(self, line):
        # Pad with spaces so a shorter line fully covers the one before it.
        self.stream.write('\r' + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def finish(self):
        """End the live line so later output starts on a fresh one."""
        if self.live and self.width:
            self.stream.write('\n')
            self.stream.flush()
            self.width = 0


def labels_for(servers):
    """Server ID -> name, with an ID prefix where names repeat."""
    names = collections.Counter(s.get('name') for s in servers)
    labels = {}
    for server in servers:
        name = server.get('name') or server['id']
        labels[server['id']] = name if names[server.get('name')] == 1 else \
            f"{name} ({server['id'][:8]})"
    return labels


def wait_for(client, servers, settled, stream=None, interval=None, timeout=None,
             sleep=time.sleep, clock=time.monotonic):
    """Poll ``servers`` until ``settled(server)`` holds for each; report progress.

    :param servers: dicts with at least ``id`` (and ``name`` for the labels).
    :param settled: called with the latest server dict, or None once the server
        is gone (GET answers 404); True when that server needs no more polling.
    :param interval: seconds between polls (default ``POLL_INTERVAL``).
    :param timeout: give up after this many seconds; None waits without limit.
    :returns: server ID -> its last server dict (None if it was gone).
    :raises WaitTimeout: if some server has not settled in time.
    :raises ClientError: if polling fails for another reason than a 404.
    """
    interval = POLL_INTERVAL if interval is None else interval
    reporter = ProgressReporter(labels_for(servers), stream, clock)
    states = {s['id']: s for s in servers}
    pending = set(states)
    try:
        while True:
            for server_id in sorted(pending):
                try:
                    states[server_id] = client.servers.get(server_id)
                except NotFound:
                    states[server_id] = None
                if settled(states[server_id]):
                    pending.discard(server_id)
            reporter.report(states)
            if not pending:
                return states
            if timeout is not None and clock() - reporter.start >= timeout:
                raise WaitTimeout(timeout, [
                    f'server {reporter.labels[sid]} ({describe(states[sid])})'
                    for sid in sorted(pending)])
            sleep(interval)
    finally:
        reporter.finish()
