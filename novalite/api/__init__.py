"""The WSGI API service: OpenStack Compute API v2.1, microversions 2.1 to ``MAX_VERSION``.

``etc/novalite/api-paste.ini`` assembles the pipeline (request id, fault
wrapper, auth, context, router); :mod:`novalite.api.routes` is the one route
table and each resource has its own module of short handlers.
"""
