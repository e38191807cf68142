"""What a compute host reports of one of its nodes: totals, limits, hypervisor facts."""

from oslo_versionedobjects import fields

from novalite.objects import base
from novalite.objects.fields import JsonField

# What a node has, where it stands and what its host sets aside of it: sent
# by the host (NodeResources) and read back with the node's row (ComputeNode).
CAPACITY_FIELDS = {
    'hypervisor_type': fields.StringField(),
    'hypervisor_version': fields.IntegerField(),
    'host_ip': fields.StringField(nullable=True),
    'availability_zone': fields.StringField(),
    'vcpus': fields.IntegerField(),
    'memory_mb': fields.IntegerField(),
    'local_gb': fields.IntegerField(),
    'free_disk_gb': fields.IntegerField(nullable=True),
    'running_vms': fields.IntegerField(),
    'reserved_host_cpus': fields.IntegerField(),
    'reserved_host_memory_mb': fields.IntegerField(),
    'reserved_host_disk_mb': fields.IntegerField(),
    'cpu_allocation_ratio': fields.FloatField(),
    'ram_allocation_ratio': fields.FloatField(),
    'disk_allocation_ratio': fields.FloatField(),
}


@base.NovaliteObjectRegistry.register
class NodeResources(base.NovaliteObject):
    """The ``resources`` of ``compute_node_report``: the virt driver's view of a
    node (see ``ComputeDriver.get_available_resource``) with the host's
    configured reservations, allocation ratios and zone.

    The conductor writes them to the node's row (:mod:`novalite.db.services`).

    Version history:

    * 1.0 - Initial version.
    """

    VERSION = '1.0'
    # The hypervisor's own count of what is in use: the node's usage is the
    # sum of its claims, which the conductor keeps. The hostname is the
    # node's name, sent beside the report.
    LEFT_OUT_KEYS = frozenset({'vcpus_used', 'memory_mb_used', 'local_gb_used',
                               'hypervisor_hostname'})

    fields = {
        **CAPACITY_FIELDS,
        # The hypervisor's CPU description (libvirt's: arch, model, vendor,
        # topology, features), shown whole by os-hypervisors.
        'cpu_info': JsonField(),
        # [arch, hypervisor type, vm mode] triples the node can run.
        'supported_instances': fields.ListOfListsOfStringsField(),
    }
