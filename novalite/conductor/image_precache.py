"""Image pre-caching across the compute hosts of an aggregate (``POST
/os-aggregates/{id}/images``, 2.81).

The API has checked the images and cast the request here; the conductor calls
each host of the aggregate in turn, ``[image_cache] precache_concurrency``
hosts at once, and each host answers once its downloads are done (within
``long_rpc_timeout``). A host that is down is skipped rather than waited for:
the request is a hint to warm caches, not a state to converge to, so it is not
retried. As in Nova, nothing is recorded in the database: the outcome is
logged, per host and for the whole request.
"""

import collections
import functools

from oslo_log import log as logging

from novalite import concurrency, exception, servicegroup
from novalite.conf import CONF
from novalite.db import aggregates, services

LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'novalite-compute'
SKIPPED = 'skipped'
ERROR = 'error'


class PrecacheTask:
    """Runs pre-cache requests; ``compute`` is the compute RPC client."""

    def __init__(self, compute):
        self.compute = compute

    def cache_images(self, context, aggregate_id, image_ids):
        """Ask every host of the aggregate to cache ``image_ids``.

        :returns: ``{host: {image_id: status}}``; a host that is down has every
            image ``skipped``, one that failed to answer every image ``error``.
        """
        try:
            hosts = aggregates.aggregate_get(aggregate_id)['hosts']
        except exception.AggregateNotFound:
            LOG.info('Aggregate %s was deleted before its images were pre-cached',
                     aggregate_id)
            return {}
        up = _hosts_up(hosts)
        results = {host: dict.fromkeys(image_ids, SKIPPED) for host in hosts if host not in up}
        for host in results:
            LOG.info('Not pre-caching images on %s: its compute service is down', host)
        pool = concurrency.GreenPool(CONF.image_cache.precache_concurrency)
        calls = [host for host in hosts if host in up]
        cache_on = functools.partial(self._cache_on, context, image_ids)
        results.update(zip(calls, pool.imap(cache_on, calls), strict=True))
        _log_outcome(aggregate_id, image_ids, results)
        return results

    def _cache_on(self, context, image_ids, host):
        try:
            result = self.compute.cache_images(context, host, image_ids)
        except Exception:
            LOG.exception('Pre-caching images on %s failed', host)
            return dict.fromkeys(image_ids, ERROR)
        LOG.info('Pre-cached images on %s: %s', host, result)
        return result


def _hosts_up(hosts):
    return {service['host'] for service in services.service_get_all(binary=COMPUTE_BINARY)
            if service['host'] in hosts and servicegroup.is_up(service)}


def _log_outcome(aggregate_id, image_ids, results):
    for image_id in image_ids:
        counts = collections.Counter(result.get(image_id, ERROR) for result in results.values())
        LOG.info('Image %s pre-cached on the %d host(s) of aggregate %s: %s', image_id,
                 len(results), aggregate_id, dict(sorted(counts.items())) or 'no hosts')
