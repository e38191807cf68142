"""Reports this host's nodes to the conductor: totals, limits and usage.

Totals and the hypervisor's view of usage come from the virt driver;
reserved resources, allocation ratios and the availability zone from config.
The claimed usage the scheduler filters on is kept by the claims themselves;
each report also lets the conductor release claims that no live instance on
the node explains. Reports run at start, shortly after a change (coalesced,
so a burst of builds costs one report) and every
``[compute] resource_report_interval``.
"""

from oslo_log import log as logging

from novalite import concurrency
from novalite.conf import CONF

LOG = logging.getLogger(__name__)

_COALESCE_SECONDS = 0.5


class ResourceTracker:
    def __init__(self, host, driver, conductor):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        # Each node's row (a ComputeNode) as its last report answered it.
        self.compute_nodes = {}
        self._pending = None

    def _resources(self, nodename):
        resources = dict(self.driver.get_available_resource(nodename))
        resources.update(
            availability_zone=CONF.compute.availability_zone or CONF.default_availability_zone,
            host_ip=CONF.my_ip,
            reserved_host_cpus=CONF.compute.reserved_host_cpus,
            reserved_host_memory_mb=CONF.compute.reserved_host_memory_mb,
            reserved_host_disk_mb=CONF.compute.reserved_host_disk_mb,
            cpu_allocation_ratio=CONF.compute.cpu_allocation_ratio,
            ram_allocation_ratio=CONF.compute.ram_allocation_ratio,
            disk_allocation_ratio=CONF.compute.disk_allocation_ratio)
        return resources

    def report(self, context):
        """Send every node's resources to the conductor now."""
        for nodename in self.driver.get_available_nodes():
            node = self.conductor.compute_node_report(context, self.host, nodename,
                                                      self._resources(nodename))
            self.compute_nodes[nodename] = node

    def report_soon(self, context):
        """Report after a short delay, folding a burst of changes into one report."""
        if self._pending is None:
            self._pending = concurrency.spawn(self._delayed_report, context)

    def _delayed_report(self, context):
        concurrency.sleep(_COALESCE_SECONDS)
        self._pending = None
        try:
            self.report(context)
        except Exception:
            LOG.exception('Resource report of host %s failed', self.host)
