"""Showing a host drain as it runs (``novalite host-drain``): a bar per server and an ETA.

A server's share done is its migration's bytes copied over bytes to copy
(memory and disk) while it runs, all of it once completed; the drain's is the
mean over the servers it moves, and the ETA extrapolates the time so far.
On a terminal the block of lines is redrawn in place; elsewhere (a log, CI)
a line is written each time a server's status changes.
"""

import sys
import time

_BAR_WIDTH = 20
_FINAL = ('completed', 'failed', 'skipped')


def server_fraction(server):
    """How much of the server's move is done, 0.0 to 1.0."""
    if server['status'] in _FINAL:
        return 1.0
    if server['status'] != 'running':
        return 0.0
    total = sum(server.get(f'{kind}_total_bytes') or 0 for kind in ('memory', 'disk'))
    left = sum(server.get(f'{kind}_remaining_bytes') or 0 for kind in ('memory', 'disk'))
    if not total:
        return 0.0
    return max(0.0, min(1.0, (total - left) / total))


def drain_fraction(drain):
    moving = [s for s in drain['servers'] if s['status'] != 'skipped']
    if not moving:
        return 1.0
    return sum(server_fraction(s) for s in moving) / len(moving)


def eta_seconds(drain, elapsed):
    """Seconds left at the pace so far; None before anything moved."""
    done = drain_fraction(drain)
    if done <= 0.0:
        return None
    return elapsed * (1.0 - done) / done


def bar(fraction):
    filled = int(round(fraction * _BAR_WIDTH))
    return '[' + '#' * filled + '.' * (_BAR_WIDTH - filled) + f'] {int(fraction * 100):3d}%'


def server_line(server, label):
    where = f" -> {server['dest_compute']}" if server.get('dest_compute') else ''
    return f"{label:<24.24} {bar(server_fraction(server))} {server['status']}{where}"


def summary_line(drain, elapsed):
    counts = ', '.join(f'{n} {status}' for status, n in sorted(drain['counts'].items()))
    eta = eta_seconds(drain, elapsed)
    left = 'ETA --' if eta is None else f'ETA {int(eta)}s'
    return (f"drain of {drain['host']}: {drain['status']} {bar(drain_fraction(drain))} "
            f"{counts}; {int(elapsed)}s, {left}")


class DrainReporter:
    """Writes a drain's state to ``stream`` at each :meth:`report`."""

    def __init__(self, labels, stream=None, clock=time.monotonic):
        self.labels = labels
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, 'isatty', lambda: False)())
        self.clock = clock
        self.start = clock()
        self.drawn = 0
        self.last = {}

    def report(self, drain):
        elapsed = self.clock() - self.start
        if self.live:
            self._redraw([server_line(s, self._label(s)) for s in drain['servers']]
                         + [summary_line(drain, elapsed)])
        else:
            self._changes(drain, elapsed)
        self.stream.flush()

    def _label(self, server):
        return self.labels.get(server['server_id'], server['server_id'])

    def _redraw(self, lines):
        if self.drawn:
            self.stream.write(f'\x1b[{self.drawn}F')
        self.stream.write(''.join(f'\x1b[2K{line}\n' for line in lines))
        self.drawn = len(lines)

    def _changes(self, drain, elapsed):
        for server in drain['servers']:
            if self.last.get(server['server_id']) != server['status']:
                self.last[server['server_id']] = server['status']
                self.stream.write(server_line(server, self._label(server)) + '\n')
        if self.last.get(None) != drain['status']:
            self.last[None] = drain['status']
            self.stream.write(summary_line(drain, elapsed) + '\n')
