"""The one place that knows novalite runs on eventlet.

Daemons call :func:`monkey_patch` first thing; the rest of the code spawns,
sleeps and locks through this module so that moving to native threads stays a
local change.
"""

import eventlet
import eventlet.event
import eventlet.greenpool
import eventlet.semaphore

RPC_EXECUTOR = 'eventlet'

GreenPool = eventlet.greenpool.GreenPool
Event = eventlet.event.Event
Semaphore = eventlet.semaphore.Semaphore
sleep = eventlet.sleep
spawn = eventlet.spawn
spawn_n = eventlet.spawn_n
Timeout = eventlet.Timeout


def monkey_patch():
    eventlet.monkey_patch()
