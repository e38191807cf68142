"""Options of the API service (``novalite-api``)."""

from oslo_config import cfg

api_opts = [
    cfg.HostAddressOpt('listen',
                       default='0.0.0.0',
                       help="""
IP address the API server listens on.

Possible values:

* An IPv4 or IPv6 address of this host; ``0.0.0.0`` listens on every
  IPv4 address, ``::`` on every address.

Related options: ``port``.
"""),
    cfg.PortOpt('port',
                default=8774,
                help="""
TCP port the API server listens on. 8774 is the port clients of the
OpenStack Compute API expect in their service catalog.

Related options: ``listen``.
"""),
    cfg.StrOpt('api_paste_config',
               default='api-paste.ini',
               help="""
PasteDeploy file that assembles the WSGI pipeline (request id, fault
wrapper, authentication, context, router).

Possible values:

* An absolute path.
* A relative path or a bare file name, searched for next to the loaded
  config files, then in ``/etc/novalite``, then in the ``etc/novalite``
  directory shipped with novalite.

Related options: ``auth_strategy`` selects one of the file's pipelines.
"""),
    cfg.StrOpt('auth_strategy',
               default='noauth2',
               choices=[('noauth2', 'Trust X-Auth-Token "user:project"; admin is the user '
                                    '"admin". For development and tests only.'),
                        ('keystone', 'Validate tokens with keystonemiddleware\'s auth_token '
                                     'filter, configured in [keystone_authtoken].')],
               help="""
How the API authenticates requests: which pipeline of the paste file it
serves.

With ``noauth2`` a client sends ``X-Auth-Token: <user>:<project>`` and is
believed; the user ``admin`` gets the ``admin`` role. Never expose such an
API beyond a test bed. ``keystone`` needs the keystonemiddleware package.
"""),
    cfg.IntOpt('max_limit',
               default=1000,
               min=1,
               help="""
Largest number of items one list request returns (servers, flavors,
hypervisors, images). A client asking for more with ``limit`` gets this
many and a ``next`` link to page on.
"""),
    cfg.IntOpt('wsgi_pool_size',
               default=1000,
               min=1,
               help="""
Green threads serving API requests at once; further connections wait for a
free one. Each busy green thread may hold a database connection, so keep
``[database] max_pool_size + max_overflow`` in proportion.
"""),
    cfg.IntOpt('max_servers_per_request',
               default=1000,
               min=1,
               help="""
Largest ``max_count`` one server create request may ask for. A larger
request is refused with 400 before anything is created.
"""),
    cfg.BoolOpt('enable_instance_password',
                default=True,
                help="""
Return the server's administrator password (``adminPass``) in the response
to a server create or rescue. The password is the one the request gave, or a
random one; the compute host injects it through the config drive (a rescue's
through the rescue's config drive). False answers a rescue with ``{}``.
"""),
    cfg.IntOpt('password_length',
               default=12,
               min=8,
               help="Length of the random administrator passwords the API generates."),
    cfg.IntOpt('max_request_body_size',
               default=114688,
               min=1,
               help="""
Largest request body, in bytes, the API reads. A request announcing a
larger ``Content-Length``, or a chunked body growing past it, is refused
with 413 before any handler runs. The default is oslo.middleware's
``sizelimit`` default (112 KiB), ample for a server create carrying the
largest ``user_data`` (64 KiB of base64).
"""),
    cfg.IntOpt('max_json_depth',
               default=32,
               min=2,
               max=1000,
               help="""
Deepest nesting of arrays and objects a JSON request body may have. A deeper
body is refused with 400 before validation. No request of the Compute API
needs more than a handful of levels; the bound keeps a hostile body from
exhausting the parser's or the validator's recursion.
"""),
    cfg.IntOpt('workers',
               min=1,
               help="""
Number of processes serving the API on one port, each listening on a socket
of its own in the port's ``SO_REUSEPORT`` group: the kernel spreads new
connections evenly across them, so a burst is served by every process and a
request that keeps one process busy queues only the connections it was given.

Possible values:

* Unset (the default): the number of CPUs of the host.
* 1: serve from the launching process itself (the all-in-one always does).
* Any larger integer: that many worker processes.

Related options: ``wsgi_pool_size`` is per process, and so is the database
connection pool (``[database] max_pool_size``).
"""),
]


def register_opts(conf):
    conf.register_opts(api_opts, group='api')


def list_opts():
    return {'api': api_opts}
