"""SQLAlchemy models of novalite's tables.

Rows that users can delete are soft-deleted (``deleted`` = the row's id) so
that unique constraints ignore them and history stays queryable, as Nova does.
Alembic migrations in ``db/migrations`` must produce exactly this schema; a
test compares the two.
"""

from novalite.db.models.base import Base, SoftDeleteMixin, TimestampMixin, json_ready, utcnow  # noqa: F401
from novalite.db.models.compute import (  # noqa: F401
    Aggregate,
    AggregateHost,
    AggregateMetadata,
    Allocation,
    ComputeNode,
    ConsoleAuthToken,
    FixedIP,
    Flavor,
    FlavorExtraSpec,
    FlavorProject,
    Instance,
    InstanceAction,
    InstanceActionEvent,
    InstanceFault,
    InstanceGroup,
    InstanceGroupMember,
    KeyPair,
    Network,
    Service,
    Tag,
    TaskLog,
)
from novalite.db.models.moves import (  # noqa: F401
    HostDrain,
    HostDrainItem,
    Migration,
)
from novalite.db.models.quotas import (  # noqa: F401
    ProjectUserQuota,
    Quota,
    QuotaClass,
    QuotaLock,
    QuotaReservation,
)
from novalite.db.models.volumes import (  # noqa: F401
    BlockDeviceMapping,
    Volume,
    VolumeAttachment,
    VolumeSnapshot,
)
