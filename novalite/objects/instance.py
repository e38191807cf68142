"""The instance every service passes around: one row of ``instances``."""

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from novalite.objects import base
from novalite.objects.fields import JsonField

_STRING_COLUMNS = (
    'project_id', 'user_id', 'display_name', 'display_description', 'hostname', 'host',
    'node', 'launched_on', 'image_ref', 'kernel_id', 'ramdisk_id', 'task_state',
    'availability_zone', 'config_drive', 'key_name', 'key_data', 'user_data',
    'reservation_id', 'access_ip_v4', 'access_ip_v6')


@base.NovaliteObjectRegistry.register
class Instance(base.NovaliteObject):
    """A server as the conductor reads it (the request spec stays in the database).

    ``name``, the hypervisor's name for it, is derived from the uuid.

    Version history:

    * 1.0 - Initial version: the instance dict as RPC 1.0 carried it before
      migration 0002.
    * 1.1 - Added network_info (migration 0002's network info cache).
    """

    VERSION = '1.1'
    # ``locked_by`` only decides who may unlock, an API check: hosts never need it.
    LEFT_OUT_KEYS = frozenset({'name', 'locked_by'})

    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        **{column: fields.StringField(nullable=True) for column in _STRING_COLUMNS},
        'vm_state': fields.StringField(),
        'power_state': fields.IntegerField(),
        'flavor': fields.ObjectField('Flavor'),
        'instance_type_id': fields.IntegerField(nullable=True),
        'memory_mb': fields.IntegerField(),
        'vcpus': fields.IntegerField(),
        'root_gb': fields.IntegerField(),
        'ephemeral_gb': fields.IntegerField(),
        'swap': fields.IntegerField(),
        'metadata': fields.DictOfNullableStringsField(),
        'system_metadata': fields.DictOfNullableStringsField(),
        'launch_index': fields.IntegerField(),
        'locked': fields.BooleanField(),
        'progress': fields.IntegerField(),
        'created_at': fields.DateTimeField(tzinfo_aware=False),
        'updated_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'launched_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'terminated_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'deleted_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'deleted': fields.IntegerField(),
        'network_info': JsonField(),
    }

    @property
    def name(self):
        return 'instance-' + self.uuid

    def to_dict(self):
        values = super().to_dict()
        values['name'] = self.name
        return values

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop('network_info', None)
