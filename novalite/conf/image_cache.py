"""Options of image pre-caching (``POST /os-aggregates/{id}/images``, 2.81).

The API hands a request to the conductor, which asks each compute host of the
aggregate to fetch the images into its image cache; these options bound how
much of that happens at once.
"""

from oslo_config import cfg

image_cache_group = cfg.OptGroup('image_cache', title='Image cache options')

image_cache_opts = [
    cfg.IntOpt('precache_concurrency',
               default=1,
               min=1,
               help="""
Compute hosts the conductor asks to pre-cache images at once, for one
request.

Each host downloads the images from the image service; more hosts at once
finish an aggregate sooner but load the image service (and the network to it)
more. The others wait their turn; a host that is down is skipped.

Related options:

* ``[compute] max_concurrent_disk_ops``: downloads at once on one host.
"""),
]


def register_opts(conf):
    conf.register_group(image_cache_group)
    conf.register_opts(image_cache_opts, group=image_cache_group)


def list_opts():
    return {'image_cache': image_cache_opts}
