"""concurrency.gather: independent steps at once, every one ended before the caller goes on."""

import pytest

from novalite import concurrency


def test_gather_runs_the_calls_at_once_and_returns_their_results_in_order():
    seen = []

    def step(name, pause):
        seen.append(f'{name} starts')
        concurrency.sleep(pause)
        seen.append(f'{name} ends')
        return name

    assert concurrency.gather((step, 'slow', 0.05), (step, 'fast', 0)) == ['slow', 'fast']
    assert seen == ['slow starts', 'fast starts', 'fast ends', 'slow ends']


def test_gather_raises_the_first_failure_only_once_every_call_has_ended():
    ended = []

    def fails():
        raise ValueError('first')

    def slow():
        concurrency.sleep(0.05)
        ended.append('slow')

    with pytest.raises(ValueError, match='first'):
        concurrency.gather((fails,), (slow,))
    assert ended == ['slow']


def test_wait_all_gives_up_after_its_seconds_and_says_whether_every_thread_ended():
    pool = concurrency.GreenPool()
    pool.spawn_n(concurrency.sleep, 0.01)
    assert concurrency.wait_all(pool, 5)
    hung = concurrency.Event()
    pool.spawn_n(hung.wait)
    assert not concurrency.wait_all(pool, 0.05)
    hung.send()
    assert concurrency.wait_all(pool, 5)
