"""Loading the paste pipeline: ``load_app(conf)`` for the server, tests and WSGI hosts.

``[api] api_paste_config`` is looked for as given, next to the loaded config
files, in ``/etc/novalite``, and last in the ``etc/novalite`` directory that
ships with novalite (the source tree for an editable install, or the data
directory of an installed one).
"""

import os
import sys

from paste import deploy

from novalite import exception
from novalite.conf import CONF

_PIPELINE = 'osapi_compute'


def _candidates(conf, name):
    if os.path.isabs(name):
        return [name]
    dirs = [os.path.dirname(os.path.abspath(path)) for path in conf.config_file or []]
    if conf.config_dir:
        dirs.append(conf.config_dir)
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    dirs += ['/etc/novalite', os.path.join(package_root, 'etc', 'novalite'),
             os.path.join(sys.prefix, 'etc', 'novalite')]
    return [os.path.join(directory, name) for directory in dirs] + [os.path.abspath(name)]


def find_paste_config(conf=CONF):
    """Absolute path of the paste file. :raises NovaliteException: none found."""
    name = conf.api.api_paste_config
    for path in _candidates(conf, name):
        if os.path.isfile(path):
            return path
    raise exception.NovaliteException(f"Cannot find the API paste file {name}")


def load_app(conf=CONF, name=_PIPELINE):
    """The WSGI app the paste file's ``name`` section builds for ``[api] auth_strategy``."""
    path = find_paste_config(conf)
    return deploy.loadapp(f'config:{path}', name=name,
                          global_conf={'auth_strategy': conf.api.auth_strategy})
