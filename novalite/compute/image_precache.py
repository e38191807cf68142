"""Image pre-caching on a compute host (``POST /os-aggregates/{id}/images``, 2.81).

The conductor asks each host of an aggregate to fetch images into its image
cache, so that the first boot of an image there finds it in place. The images
are fetched one after another, as Nova's compute does: the conductor's
``[image_cache] precache_concurrency`` is what spreads the load over hosts,
and the driver's ``[compute] max_concurrent_disk_ops`` bounds downloads on one
host against boots running beside.
"""

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

# What each image became, as Nova's compute answers it.
CACHED = 'cached'
EXISTING = 'existing'
UNSUPPORTED = 'unsupported'
ERROR = 'error'


def cache_images(driver, context, image_ids):
    """Fetch each of ``image_ids`` into the host's image cache.

    :returns: ``{image_id: status}``, status one of ``cached`` (downloaded),
        ``existing`` (there already), ``unsupported`` (the driver keeps no
        cache) or ``error`` (logged; the next images are still fetched).
    """
    LOG.info('Caching %d image(s) by request', len(image_ids))
    return {image_id: _cache_one(driver, context, image_id) for image_id in image_ids}


def _cache_one(driver, context, image_id):
    try:
        return CACHED if driver.cache_image(context, image_id) else EXISTING
    except NotImplementedError:
        LOG.warning('The virt driver keeps no image cache; image %s not cached', image_id)
        return UNSUPPORTED
    except Exception:
        LOG.exception('Caching image %s failed', image_id)
        return ERROR
