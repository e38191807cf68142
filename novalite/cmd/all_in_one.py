"""novalite-all-in-one: api, conductor, scheduler, a compute, a volume and a metadata service.

The same managers and RPC APIs as the separate daemons, on oslo.messaging's
in-process ``fake:/`` transport and SQLite under ``state_path``, for trying
novalite and for functional tests. Volumes use the ``fake`` volume driver
unless configured otherwise, and the Block Storage API a free port unless
``[volume] port`` is set. The metadata API (``novalite-metadata``'s) serves
``[api] metadata_listen``:``metadata_listen_port`` (127.0.0.1:8775 here)
unless ``--nometadata`` (or ``metadata = false``) leaves it out.
``--demo`` registers a flavor and an image, boots a server through the
REST API, prints it once ACTIVE and exits.
"""

import os
import sys

from oslo_config import cfg
from oslo_service import service as oslo_service

from novalite import config, servicegroup
from novalite.conf import CONF

_CLI_OPTS = [
    cfg.BoolOpt('demo', default=False,
                help='Boot one server through the REST API, print it when ACTIVE, and exit.'),
    cfg.BoolOpt('metadata', default=True,
                help='Also serve the metadata API on [api] metadata_listen:'
                     'metadata_listen_port (127.0.0.1:8775 here); --nometadata leaves it '
                     'out, as does "metadata = false" in [DEFAULT].'),
]
_STATE_PATH = os.path.join(os.path.expanduser('~'), '.local', 'share', 'novalite')


def _set_defaults():
    CONF.set_default('transport_url', 'fake:/')
    CONF.set_default('state_path', _STATE_PATH)
    CONF.set_default('port', 8774, group='api')
    CONF.set_default('listen', '127.0.0.1', group='api')
    CONF.set_default('log_dir', '$state_path')
    CONF.set_default('volume_driver', 'fake', group='volume')
    CONF.set_default('port', 0, group='volume')
    CONF.set_default('listen', '127.0.0.1', group='volume')
    CONF.set_default('metadata_listen', '127.0.0.1', group='api')


def build_services():
    """The services, in the order they must start; the compute API last."""
    from novalite import service
    from novalite.cmd import volume
    from novalite.cmd.api import api_service
    from novalite.cmd.metadata import metadata_service
    from novalite.compute import manager as compute_manager
    from novalite.conductor import manager as conductor_manager
    from novalite.scheduler import manager as scheduler_manager

    return [
        service.Service(CONF.host, 'novalite-conductor', 'conductor',
                        conductor_manager.ConductorManager(CONF.host),
                        servicegroup.DBServiceGroup()),
        service.Service(CONF.host, 'novalite-scheduler', 'scheduler',
                        scheduler_manager.SchedulerManager(CONF.host),
                        servicegroup.DBServiceGroup()),
        service.Service(CONF.host, 'novalite-compute', 'compute',
                        compute_manager.ComputeManager(CONF.host),
                        servicegroup.ConductorServiceGroup()),
        *volume.build_services(advertise=True),
        *([metadata_service()] if CONF.metadata else []),
        api_service(),
    ]


def main():
    CONF.register_cli_opts(_CLI_OPTS)
    from novalite import rpc
    rpc.register_opts(CONF)
    config.register_opts()
    _set_defaults()
    config.parse_args(sys.argv[1:])
    os.makedirs(CONF.state_path, exist_ok=True)
    from novalite.db import migration
    migration.db_sync()
    from novalite import service
    services = build_services()
    launcher = oslo_service.ServiceLauncher(CONF, restart_method='mutate')
    # Stopped in the reverse order: the compute host before the conductor it calls.
    launcher.launch_service(service.InOrder(services))
    if CONF.demo:
        from novalite.cmd import demo
        sys.exit(demo.run(services[-1].server.port, launcher))
    launcher.wait()
