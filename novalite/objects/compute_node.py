"""The compute node row a compute host reads back from each report of its node."""

from oslo_versionedobjects import fields

from novalite.objects import base


@base.NovaliteObjectRegistry.register
class ComputeNode(base.NovaliteObject):
    """A row of ``compute_nodes`` (see :mod:`novalite.db.services`).

    The answer of ``compute_node_report``: the totals the host sent, the
    usage its claims add up to and the ids the node is known by.
    ``cpu_info`` and ``supported_instances`` are the JSON text the row
    stores (as Nova's ``cpu_info``); the NodeResources sent carries them
    decoded.

    Version history:

    * 1.0 - Initial version.
    """

    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'host': fields.StringField(),
        'hypervisor_hostname': fields.StringField(),
        'hypervisor_type': fields.StringField(),
        'hypervisor_version': fields.IntegerField(),
        'cpu_info': fields.StringField(),
        'host_ip': fields.StringField(nullable=True),
        'availability_zone': fields.StringField(),
        'supported_instances': fields.StringField(),
        'vcpus': fields.IntegerField(),
        'memory_mb': fields.IntegerField(),
        'local_gb': fields.IntegerField(),
        'vcpus_used': fields.IntegerField(),
        'memory_mb_used': fields.IntegerField(),
        'local_gb_used': fields.IntegerField(),
        'free_disk_gb': fields.IntegerField(nullable=True),
        'running_vms': fields.IntegerField(),
        'reserved_host_cpus': fields.IntegerField(),
        'reserved_host_memory_mb': fields.IntegerField(),
        'reserved_host_disk_mb': fields.IntegerField(),
        'cpu_allocation_ratio': fields.FloatField(),
        'ram_allocation_ratio': fields.FloatField(),
        'disk_allocation_ratio': fields.FloatField(),
        # Goes up with each claim and release on the node.
        'generation': fields.IntegerField(),
        'created_at': fields.DateTimeField(tzinfo_aware=False),
        'updated_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'deleted_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'deleted': fields.IntegerField(),
    }
