"""The flavor snapshot an instance and a request spec carry."""

from oslo_versionedobjects import fields

from novalite.objects import base


@base.NovaliteObjectRegistry.register
class Flavor(base.NovaliteObject):
    """The flavor a server was created with, copied when it was created.

    Version history:

    * 1.0 - Initial version (the snapshot ``compute.api`` takes).
    """

    VERSION = '1.0'
    # A flavor record's other columns: the snapshot is what sizes a server.
    LEFT_OUT_KEYS = frozenset({'is_public', 'disabled', 'description', 'created_at',
                               'updated_at', 'deleted_at', 'deleted'})

    fields = {
        'id': fields.IntegerField(nullable=True),
        'flavorid': fields.StringField(nullable=True),
        'name': fields.StringField(nullable=True),
        'memory_mb': fields.IntegerField(),
        'vcpus': fields.IntegerField(),
        'root_gb': fields.IntegerField(nullable=True),
        'ephemeral_gb': fields.IntegerField(nullable=True),
        'swap': fields.IntegerField(nullable=True),
        'rxtx_factor': fields.FloatField(nullable=True),
        'extra_specs': fields.DictOfNullableStringsField(nullable=True),
    }
