"""Cancelling the operation registered on an instance."""

import eventlet
import pytest

from novalite import exception
from novalite.compute import cancellation


def _hung_operation(running, reached):
    with running.operation('uuid-1'):
        reached.send()
        eventlet.sleep(60)


def test_cancel_throws_into_the_operation_where_it_waits():
    running, reached = cancellation.Running(), eventlet.Event()
    thread = eventlet.spawn(_hung_operation, running, reached)
    reached.wait()
    assert running.cancel('uuid-1', 'Task state spawning timed out')
    with pytest.raises(exception.TaskCancelled, match='spawning timed out'):
        thread.wait()


def test_cancel_with_no_operation_running_does_nothing():
    running, reached = cancellation.Running(), eventlet.Event()
    assert not running.cancel('uuid-1', 'timed out')
    thread = eventlet.spawn(_hung_operation, running, reached)
    reached.wait()
    assert not running.cancel('uuid-2', 'timed out')
    thread.kill()


def test_an_operation_that_ended_is_not_cancelled():
    running = cancellation.Running()
    with running.operation('uuid-1'):
        pass
    assert not running.cancel('uuid-1', 'timed out')
