"""Command-line and config-file parsing plus logging set-up for every daemon."""

import os
from importlib import metadata

from oslo_log import log as logging

from novalite.conf import CONF


def _version():
    try:
        return metadata.version('novalite')
    except metadata.PackageNotFoundError:
        return 'unknown'


def register_opts():
    """Register the logging options (idempotent), e.g. to change their defaults."""
    logging.register_options(CONF)


def parse_args(argv, default_config_files=None):
    """Parse ``argv`` (without the program name) and config files into CONF."""
    register_opts()
    logging.set_defaults(default_log_levels=logging.get_default_log_levels() + [
        'oslo.messaging=INFO', 'oslo_messaging=INFO', 'amqp=WARN', 'kombu=WARN',
        'alembic=WARN', 'eventlet.wsgi.server=WARN'])
    CONF(argv, project='novalite', version=_version(),
         default_config_files=default_config_files)
    if CONF.log_dir:
        # A first start on a fresh machine must not fail on a missing directory.
        os.makedirs(CONF.log_dir, exist_ok=True)
    logging.setup(CONF, 'novalite')
