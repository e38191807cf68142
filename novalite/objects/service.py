"""The service row a daemon joins and heartbeats with through the conductor."""

from oslo_versionedobjects import fields

from novalite.objects import base


@base.NovaliteObjectRegistry.register
class Service(base.NovaliteObject):
    """A row of ``services`` (see :mod:`novalite.db.services`).

    Compute hosts read it back from ``service_join`` and each
    ``service_heartbeat``, and heartbeat with its ``id``.

    Version history:

    * 1.0 - Initial version.
    """

    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'host': fields.StringField(),
        'binary': fields.StringField(),
        'topic': fields.StringField(nullable=True),
        'report_count': fields.IntegerField(),
        'disabled': fields.BooleanField(),
        'disabled_reason': fields.StringField(nullable=True),
        'forced_down': fields.BooleanField(),
        'last_seen_up': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        # The service version column (Nova's), not an RPC version.
        'version': fields.IntegerField(),
        'created_at': fields.DateTimeField(tzinfo_aware=False),
        'updated_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'deleted_at': fields.DateTimeField(tzinfo_aware=False, nullable=True),
        'deleted': fields.IntegerField(),
    }
