"""The migration record a move's steps pass between the conductor and compute hosts."""

from oslo_versionedobjects import fields

from novalite.objects import base


@base.NovaliteObjectRegistry.register
class Migration(base.NovaliteObject):
    """One move of a server (see :mod:`novalite.db.server_migrations`).

    Progress bytes stay in the database: the source writes them, the API
    reads them; no other host needs them.

    Version history:

    * 1.0 - Initial version.
    """

    VERSION = '1.0'
    # The record's other columns: its live-migration progress and
    # bookkeeping, which no compute host reads from the payload.
    LEFT_OUT_KEYS = frozenset({
        'dest_host', 'hidden', 'memory_total', 'memory_processed', 'memory_remaining',
        'disk_total', 'disk_processed', 'disk_remaining', 'cross_cell_move', 'user_id',
        'project_id', 'created_at', 'updated_at', 'deleted_at', 'deleted'})

    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'instance_uuid': fields.UUIDField(),
        'migration_type': fields.StringField(),
        'status': fields.StringField(),
        'source_compute': fields.StringField(nullable=True),
        'source_node': fields.StringField(nullable=True),
        'dest_compute': fields.StringField(nullable=True),
        'dest_node': fields.StringField(nullable=True),
        'old_instance_type_id': fields.IntegerField(nullable=True),
        'new_instance_type_id': fields.IntegerField(nullable=True),
    }
