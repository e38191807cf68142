"""novalite-scheduler: picks hosts through the filter and weigher pipeline."""

from novalite.cmd import common


def main():
    from novalite import servicegroup
    from novalite.conf import CONF
    from novalite.scheduler import manager

    common.run('novalite-scheduler', 'scheduler', lambda: manager.SchedulerManager(CONF.host),
               servicegroup.DBServiceGroup)
