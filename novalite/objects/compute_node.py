"""The compute node row a compute host reads back from each report of its node."""

from oslo_versionedobjects import fields

from novalite.objects import base
from novalite.objects.node_resources import CAPACITY_FIELDS


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
        **CAPACITY_FIELDS,
        'cpu_info': fields.StringField(),
        'supported_instances': fields.StringField(),
        'vcpus_used': fields.IntegerField(),
        'memory_mb_used': fields.IntegerField(),
        'local_gb_used': fields.IntegerField(),
        # Goes up with each claim and release on the node.
        'generation': fields.IntegerField(),
        'created_at': fields.DateTimeField(tzinfo_aware=False),
        'updated_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'deleted_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'deleted': fields.IntegerField(),
    }
