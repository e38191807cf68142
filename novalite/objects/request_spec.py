"""What a build asks of the scheduler: the servers, their flavor and image, where."""

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from novalite.objects import base
from novalite.objects.fields import JsonField


@base.NovaliteObjectRegistry.register
class RequestSpec(base.NovaliteObject):
    """One scheduling request, as ``compute.api`` writes it and the scheduler reads it.

    See :mod:`novalite.scheduler.request_spec` for how each field is read.

    Version history:

    * 1.0 - Initial version.
    * 1.1 - Added instance_group and injected_files.
    * 1.2 - Added requested_host (a move to a named host that must pass the filters).
    """

    VERSION = '1.2'

    fields = {
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'flavor': fields.ObjectField('Flavor'),
        # The image service's record of the image (Glance's wire format).
        'image': JsonField(),
        'availability_zone': fields.StringField(nullable=True),
        # Nova's hints: lists of strings for some, a string or a list for others.
        'scheduler_hints': JsonField(),
        'num_instances': fields.IntegerField(),
        'instance_uuids': fields.ListOfStringsField(),
        'ignore_hosts': fields.ListOfStringsField(),
        'force_hosts': fields.ListOfStringsField(),
        'force_nodes': fields.ListOfStringsField(),
        # A move to a named host that must still pass the filters (Nova's
        # requested_destination); forced hosts skip them.
        'requested_host': fields.StringField(nullable=True),
        # 'none', 'auto' or a list of {'uuid', 'fixed_ip', 'port'}.
        'requested_networks': JsonField(nullable=True),
        'security_groups': fields.ListOfStringsField(),
        # Given to the build's config drive; never stored with the spec.
        'admin_password': fields.SensitiveStringField(nullable=True),
        # The server group the servers join: {'uuid', 'policy', 'rules'}.
        'instance_group': JsonField(nullable=True),
        # Personality files for the config drive, [{'path', 'contents' (base64)}];
        # like the password, never stored with the spec.
        'injected_files': fields.ListOfDictOfNullableStringsField(nullable=True),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop('instance_group', None)
            primitive.pop('injected_files', None)
        if versionutils.convert_version_to_tuple(target_version) < (1, 2):
            primitive.pop('requested_host', None)
