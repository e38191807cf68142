"""How ``--wait`` reports progress: a live line on a terminal, a line per change elsewhere."""

import io

from novalite.cli import progress


class _Terminal(io.StringIO):
    def isatty(self):
        return True


class _Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def _server(status, task_state=None, progress_pct=0, name='web-1', server_id='a'):
    return {'id': server_id, 'name': name, 'status': status,
            'OS-EXT-STS:task_state': task_state, 'progress': progress_pct}


def test_terminal_gets_one_live_line_rewritten_in_place():
    stream, clock = _Terminal(), _Clock()
    reporter = progress.ProgressReporter({'a': 'web-1'}, stream, clock)
    clock.now += 3
    reporter.report({'a': _server('BUILD', 'spawning', 40)})
    clock.now += 2
    reporter.report({'a': _server('ACTIVE')})
    reporter.finish()
    assert stream.getvalue() == ('\rserver web-1: BUILD (spawning) 40% 3s'
                                 '\rserver web-1: ACTIVE 5s              \n')


def test_pipe_gets_a_line_only_when_the_state_changes():
    stream, clock = io.StringIO(), _Clock()
    reporter = progress.ProgressReporter({'a': 'web-1'}, stream, clock)
    reporter.report({'a': _server('BUILD', 'scheduling')})
    clock.now += 1
    reporter.report({'a': _server('BUILD', 'scheduling')})
    clock.now += 1
    reporter.report({'a': None})
    reporter.finish()
    assert stream.getvalue() == ('server web-1: BUILD (scheduling) 0s\n'
                                 'server web-1: deleted 2s\n')


def test_live_line_summarises_many_servers_by_status():
    stream = _Terminal()
    states = {str(i): _server('ACTIVE' if i % 2 else 'BUILD', server_id=str(i))
              for i in range(5)}
    reporter = progress.ProgressReporter({k: k for k in states}, stream, _Clock())
    reporter.report(states)
    assert stream.getvalue() == '\r5 servers: 2 ACTIVE, 3 BUILD 0s'


def test_repeated_names_are_told_apart_by_id_prefix():
    labels = progress.labels_for([{'id': 'aaaaaaaa-1', 'name': 'web'},
                                  {'id': 'bbbbbbbb-2', 'name': 'web'},
                                  {'id': 'cccccccc-3', 'name': 'db'}])
    assert labels == {'aaaaaaaa-1': 'web (aaaaaaaa)', 'bbbbbbbb-2': 'web (bbbbbbbb)',
                      'cccccccc-3': 'db'}
