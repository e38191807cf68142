"""What every daemon's ``main`` does: parse config, build its service, run it."""

import os
import sys

from oslo_service import service as oslo_service

from novalite import config, preflight, service
from novalite.conf import CONF


@preflight.operator_errors
def run(binary, topic, manager_factory, servicegroup_factory, workers_group=None,
        check=None):
    """Parse config, start ``binary`` and block until it is stopped by a signal.

    ``manager_factory`` is called after config parsing so that managers see
    the configured values; ``workers_group`` names the option group whose
    ``workers`` sets the number of processes; ``check(CONF)`` runs before
    anything starts and raises :class:`~novalite.preflight.Missing` for
    what the host lacks.
    """
    config.parse_args(sys.argv[1:])
    if check is not None:
        check(CONF)
    server = service.Service(CONF.host, binary, topic, manager_factory(),
                             servicegroup_factory())
    workers = CONF[workers_group].workers if workers_group else 1
    launcher = oslo_service.launch(CONF, server, workers=workers, restart_method='mutate')
    launcher.wait()


@preflight.operator_errors
def run_wsgi(service_factory, workers_option):
    """Parse config, serve ``service_factory()``'s WSGI service until a signal stops it.

    ``workers_option`` names the ``[api]`` option giving the number of
    processes (unset: one per CPU); they serve the port the service reserves
    before the launcher forks them (:mod:`novalite.api.wsgi_server`).
    """
    config.parse_args(sys.argv[1:])
    workers = CONF.api[workers_option] or os.cpu_count() or 1
    launcher = oslo_service.launch(CONF, service_factory(), workers=workers,
                                   restart_method='mutate')
    launcher.wait()
