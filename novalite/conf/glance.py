"""Options of the image client: where compute finds an Image API (novalite's or Glance).

keystoneauth's session, auth and adapter options of ``[glance]`` are
registered by :func:`register_auth_opts`, not with the others: keystoneauth
and requests cost every process that imports them about 6 MiB, and only a
service that talks to an Image API over HTTP needs them
(:mod:`novalite.image.client` registers them when ``[glance]`` is set).
"""

import os

from oslo_config import cfg

GROUP = 'glance'
# Whether the variables oslo.config's environment source would read [glance]
# auth_type (or its deprecated name) or auth_section from are set: looked at
# once, as a service's environment is set before it starts (a lookup of a
# variable that is not set costs an exception, on every image request).
_AUTH_IN_ENVIRONMENT = any(name in os.environ for name in (
    'OS_GLANCE__AUTH_TYPE', 'OS_GLANCE__AUTH_PLUGIN', 'OS_GLANCE__AUTH_SECTION'))

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


def register_auth_opts(conf):
    """Register keystoneauth's options in ``[glance]`` (again: no effect)."""
    from keystoneauth1 import loading as ks_loading

    # Service credentials, for requests that carry no user token (a compute
    # host fetching an image) and to find the endpoint in the catalog. For a
    # noauth2 test bed: auth_type = admin_token, token = admin:admin,
    # endpoint = http://HOST:9292.
    ks_loading.register_session_conf_options(conf, GROUP)
    ks_loading.register_auth_conf_options(conf, GROUP)
    ks_loading.register_adapter_conf_options(conf, GROUP, include_deprecated=False)
    conf.set_default('service_type', 'image', group=GROUP)


def auth_type(conf):
    """``[glance] auth_type``, or None.

    keystoneauth's options are registered first if a configuration source
    could set it: a ``[glance]`` section in the files, or one of the
    environment variables oslo.config reads it from. Without either, and
    unless they were registered before, they are not, nor is keystoneauth
    imported.
    """
    if 'auth_type' not in conf[GROUP]:
        if not _AUTH_IN_ENVIRONMENT and GROUP not in conf.list_all_sections():
            return None
        register_auth_opts(conf)
    return conf[GROUP].auth_type


def list_opts():
    from keystoneauth1 import loading as ks_loading

    return {GROUP: (glance_opts + ks_loading.get_session_conf_options()
                    + ks_loading.get_auth_common_conf_options()
                    + ks_loading.get_auth_plugin_conf_options('password')
                    + ks_loading.get_adapter_conf_options(include_deprecated=False))}
