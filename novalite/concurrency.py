"""The one place that knows novalite runs on eventlet.

Daemons call :func:`monkey_patch` first thing; the rest of the code spawns,
sleeps and locks through this module so that moving to native threads stays a
local change.
"""

import os
import warnings

# We chose eventlet knowingly and keep it behind this module; its import-time
# deprecation notice would only clutter every daemon's and tool's output.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
# Green DNS costs every daemon ~7 MiB (dnspython) for lookups that happen only
# when connecting to RabbitMQ or the database; plain getaddrinfo serves those.
os.environ.setdefault('EVENTLET_NO_GREENDNS', 'yes')

import eventlet
import eventlet.event
import eventlet.greenpool
import eventlet.patcher
import eventlet.semaphore
import eventlet.tpool

RPC_EXECUTOR = 'eventlet'

GreenPool = eventlet.greenpool.GreenPool
Event = eventlet.event.Event
Semaphore = eventlet.semaphore.Semaphore
sleep = eventlet.sleep
spawn = eventlet.spawn
spawn_n = eventlet.spawn_n
Timeout = eventlet.Timeout


def gather(*calls):
    """Run each ``(func, *args)`` at once in its own green thread; wait for all.

    For independent steps whose waits (subprocesses, RPC, libvirt) may overlap.

    :returns: the results, in the order of ``calls``.
    :raises: the first failed call's exception (in the order of ``calls``),
        once every call has ended: none is left running behind the caller.
    """
    threads = [spawn(func, *args) for func, *args in calls]
    results, error = [], None
    for thread in threads:
        try:
            results.append(thread.wait())
        except Exception as exc:
            error = error or exc
            results.append(None)
    if error is not None:
        raise error
    return results


def wait_all(pool, seconds):
    """Wait up to ``seconds`` for every thread of ``pool`` to end; True if they all did."""
    with eventlet.Timeout(seconds, False):
        pool.waitall()
    return pool.running() == 0


def monkey_patch():
    eventlet.monkey_patch()


# A queue native threads can share with green ones (queue.Queue is patched).
NativeQueue = eventlet.patcher.original('queue').Queue


def is_green():
    """Whether threads are green here (the process is monkey patched)."""
    return eventlet.patcher.is_monkey_patched('thread')


def tpool_execute(func, *args, **kwargs):
    """Run a blocking call (libvirt, a queue wait) without stalling green threads.

    Green: in eventlet's pool of native threads. Native: directly.
    """
    if not is_green():
        return func(*args, **kwargs)
    return eventlet.tpool.execute(func, *args, **kwargs)


def tpool_proxy(obj, autowrap=()):
    """``obj`` whose method calls run as :func:`tpool_execute` does.

    Results of a type in ``autowrap`` are proxied too (libvirt domains).
    """
    if not is_green():
        return obj
    return eventlet.tpool.Proxy(obj, autowrap=autowrap)


def start_native_thread(func, *args, name=None):
    """Start ``func`` in a daemon OS thread, even when threading is monkey patched.

    For loops that block in C (libvirt's event loop) and must not be green.
    """
    threading = eventlet.patcher.original('threading')
    thread = threading.Thread(target=func, args=args, name=name, daemon=True)
    thread.start()
    return thread
