"""novalite-conductor: build orchestration and the DB proxy for compute hosts."""

from novalite.cmd import common


def main():
    from novalite import servicegroup
    from novalite.conductor import manager
    from novalite.conf import CONF

    common.run('novalite-conductor', 'conductor', lambda: manager.ConductorManager(CONF.host),
               servicegroup.DBServiceGroup, workers_group='conductor')
