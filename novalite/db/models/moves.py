"""Moves: migration records and host drains."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Text,
)

from novalite.db.models.base import Base, SoftDeleteMixin, TimestampMixin


class Migration(Base, TimestampMixin, SoftDeleteMixin):
    """A move of a server (resize, migration, live migration, evacuation), Nova's fields."""

    __tablename__ = 'migrations'
    __table_args__ = (
        Index('migrations_instance_uuid_and_status_idx', 'deleted', 'instance_uuid', 'status'),
        Index('migrations_updated_at_idx', 'updated_at'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    source_compute = Column(String(255))
    dest_compute = Column(String(255))
    source_node = Column(String(255))
    dest_node = Column(String(255))
    dest_host = Column(String(255))
    old_instance_type_id = Column(Integer)
    new_instance_type_id = Column(Integer)
    instance_uuid = Column(String(36))
    status = Column(String(255))
    migration_type = Column(String(255))
    hidden = Column(Boolean, nullable=False, default=False)
    memory_total = Column(BigInteger)
    memory_processed = Column(BigInteger)
    memory_remaining = Column(BigInteger)
    disk_total = Column(BigInteger)
    disk_processed = Column(BigInteger)
    disk_remaining = Column(BigInteger)
    cross_cell_move = Column(Boolean, nullable=False, default=False)
    user_id = Column(String(255))
    project_id = Column(String(255))


class HostDrain(Base, TimestampMixin):
    """A drain of one compute host (beyond Nova): its servers moved off, a few at a time.

    ``status`` is ``running`` until every item has ended, then ``completed``
    (all moved or skipped) or ``failed`` (some could not be moved);
    ``conductor`` is the host of the conductor that runs it.
    """

    __tablename__ = 'host_drains'
    __table_args__ = (Index('host_drains_host_status_idx', 'host', 'status'),)
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    host = Column(String(255), nullable=False)
    mode = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False)
    max_outbound = Column(Integer, nullable=False)
    max_parallel = Column(Integer, nullable=False)
    conductor = Column(String(255))
    finished_at = Column(DateTime)


class HostDrainItem(Base, TimestampMixin):
    """One server of a drain: ``queued`` -> ``running`` -> ``completed``, ``failed`` or
    ``skipped``; ``avoid_hosts`` are the destinations a failed attempt went to."""

    __tablename__ = 'host_drain_items'
    __table_args__ = (Index('host_drain_items_drain_status_idx', 'drain_uuid', 'status'),)
    id = Column(Integer, primary_key=True)
    drain_uuid = Column(String(36), nullable=False)
    instance_uuid = Column(String(36), nullable=False)
    status = Column(String(16), nullable=False)
    move = Column(String(16))
    attempts = Column(Integer, nullable=False, default=0)
    migration_uuid = Column(String(36))
    avoid_hosts = Column(Text, nullable=False, default='[]')
    message = Column(String(255))
    started_at = Column(DateTime)
