"""Options of the image client: where compute finds an Image API (novalite's or Glance)."""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

GROUP = 'glance'

glance_opts = [
    cfg.ListOpt('api_servers',
                default=[],
                help="""
Image API endpoints (``novalite-image-api`` or a real Glance) that the
compute services use, tried in order until one answers, e.g.
``http://controller:9292``.

Empty (the default) with no ``auth_type`` either: no Image API is used and
every service reads the local image store of ``[image] images_path``
directly. Empty with ``auth_type`` set: the endpoint of type ``image`` is
taken from the Keystone catalog.

Related options: ``num_retries``, ``auth_type``.
"""),
    cfg.IntOpt('num_retries',
               default=3,
               min=0,
               help="""
Times a request that could not reach an endpoint (or got a 5xx) is tried
again, on the next of ``api_servers``, before the image service is called
unavailable.
"""),
]


def register_opts(conf):
    conf.register_opts(glance_opts, group=GROUP)
    # Service credentials, for requests that carry no user token (a compute
    # host fetching an image) and to find the endpoint in the catalog. For a
    # noauth2 test bed: auth_type = admin_token, token = admin:admin,
    # endpoint = http://HOST:9292.
    ks_loading.register_session_conf_options(conf, GROUP)
    ks_loading.register_auth_conf_options(conf, GROUP)
    ks_loading.register_adapter_conf_options(conf, GROUP, include_deprecated=False)
    conf.set_default('service_type', 'image', group=GROUP)


def list_opts():
    return {GROUP: (glance_opts + ks_loading.get_session_conf_options()
                    + ks_loading.get_auth_common_conf_options()
                    + ks_loading.get_auth_plugin_conf_options('password')
                    + ks_loading.get_adapter_conf_options(include_deprecated=False))}
