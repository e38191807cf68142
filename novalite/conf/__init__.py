"""novalite's configuration: one ``CONF`` object, options grouped by module.

Each ``novalite/conf/<group>.py`` declares its options with help text and a
``register_opts(conf)`` function; :func:`novalite.conf.opts.list_opts` feeds
them to ``oslo-config-generator`` so ``etc/novalite/novalite.conf.sample`` is
generated from the code, never written by hand.
"""

from oslo_config import cfg

from novalite.conf import (
    api,
    compute,
    conductor,
    console,
    database,
    fake,
    glance,
    host_drain,
    image,
    image_cache,
    libvirt,
    metadata,
    migration,
    network,
    quota,
    scheduler,
    service,
    upgrade_levels,
    volume,
)

CONF = cfg.CONF

# In the order the sample file lists the options of a shared group.
MODULES = (service, compute, conductor, console, api, metadata, database, scheduler, fake,
           glance, image, image_cache, libvirt, migration, host_drain, network, quota,
           upgrade_levels, volume)

for _module in MODULES:
    _module.register_opts(CONF)
