"""Entry point for ``oslo-config-generator``: every option novalite registers."""

import collections

from novalite.conf import (
    api,
    compute,
    conductor,
    console,
    database,
    fake,
    glance,
    image,
    libvirt,
    network,
    quota,
    scheduler,
    service,
    upgrade_levels,
    volume,
)

_MODULES = (service, compute, conductor, console, api, database, scheduler, fake, glance, image,
            libvirt, network, quota, upgrade_levels, volume)


def list_opts():
    grouped = collections.defaultdict(list)
    for module in _MODULES:
        for group, opts in module.list_opts().items():
            grouped[group].extend(opts)
    return sorted(grouped.items())

