"""novalite's own client: a Python binding and a nova-style command line.

``client.Client`` speaks the OpenStack Compute API v2.1 wire format over HTTP and
knows nothing about novalite's internals, so it works against any Nova-compatible
endpoint. ``shell.main`` is the ``novalite`` console script built on top of it.
"""
