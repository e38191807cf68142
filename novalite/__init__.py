"""novalite: a lean compute controller speaking the OpenStack Compute API v2.1."""
