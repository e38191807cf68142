"""Entry points of novalite's daemons and tools.

Importing this package monkey-patches the process for eventlet before any
other module takes a reference to the unpatched socket or threading modules.
"""

from novalite import concurrency

concurrency.monkey_patch()
