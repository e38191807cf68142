"""The block device mapping compute hosts receive and read: one volume of a server."""

from oslo_versionedobjects import fields

from novalite.objects import base
from novalite.objects import fields as novalite_fields


@base.NovaliteObjectRegistry.register
class BlockDeviceMapping(base.NovaliteObject):
    """A row of :mod:`novalite.db.block_device_mappings`.

    ``connection_info`` is the volume service's document (Cinder's
    ``connection_info``: driver type and target data), carried whole.

    Version history:

    * 1.0 - Initial version.
    """

    VERSION = '1.0'
    LEFT_OUT_KEYS = frozenset({'created_at', 'updated_at', 'deleted_at', 'deleted'})

    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'instance_uuid': fields.UUIDField(),
        'source_type': fields.StringField(),
        'destination_type': fields.StringField(),
        'device_name': fields.StringField(nullable=True),
        'device_type': fields.StringField(nullable=True),
        'disk_bus': fields.StringField(nullable=True),
        'boot_index': fields.IntegerField(nullable=True),
        'image_id': fields.StringField(nullable=True),
        'snapshot_id': fields.StringField(nullable=True),
        'volume_id': fields.StringField(nullable=True),
        'volume_size': fields.IntegerField(nullable=True),
        'volume_type': fields.StringField(nullable=True),
        'attachment_id': fields.StringField(nullable=True),
        'delete_on_termination': fields.BooleanField(default=False),
        'connection_info': novalite_fields.JsonField(nullable=True),
        'tag': fields.StringField(nullable=True),
    }
