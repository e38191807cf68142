"""Options of the API service."""

from oslo_config import cfg

api_opts = [
    cfg.HostAddressOpt('listen',
                       default='0.0.0.0',
                       help="Address the API server listens on."),
    cfg.PortOpt('port',
                default=8774,
                help="TCP port the API server listens on."),
    cfg.StrOpt('api_paste_config',
               default='api-paste.ini',
               help="""
PasteDeploy file that assembles the WSGI pipeline. A relative path is
searched for next to the config files and in ``/etc/novalite``.
"""),
    cfg.StrOpt('auth_strategy',
               default='noauth2',
               choices=[('noauth2', 'Trust X-Auth-Token "user:project"; admin is the user "admin"'),
                        ('keystone', 'Validate tokens with keystonemiddleware')],
               help="Which auth pipeline of the paste file the API serves."),
    cfg.IntOpt('max_limit',
               default=1000,
               min=1,
               help="Largest number of items one list request returns."),
    cfg.IntOpt('wsgi_pool_size',
               default=1000,
               min=1,
               help="Green threads serving API requests at once."),
    cfg.IntOpt('max_servers_per_request',
               default=1000,
               min=1,
               help="Largest ``max_count`` one server create request may ask for."),
]


def register_opts(conf):
    conf.register_opts(api_opts, group='api')


def list_opts():
    return {'api': api_opts}
