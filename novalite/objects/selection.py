"""A compute node the scheduler chose (and maybe claimed) for one server."""

from oslo_versionedobjects import fields

from novalite.objects import base


@base.NovaliteObjectRegistry.register
class Selection(base.NovaliteObject):
    """One destination: the claimed one of a server, or an alternate.

    Version history:

    * 1.0 - Initial version.
    """

    VERSION = '1.0'

    fields = {
        'host': fields.StringField(),
        'nodename': fields.StringField(),
        'compute_node_id': fields.IntegerField(),
        'availability_zone': fields.StringField(nullable=True),
        # vcpus, memory_mb and disk_gb the claim holds.
        'resources': fields.DictOfIntegersField(),
        'claimed': fields.BooleanField(),
    }
