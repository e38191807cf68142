"""Quotas: limits per project, user and class, the per-project lock and reservations."""

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    String,
    UniqueConstraint,
)

from novalite.db.models.base import Base, TimestampMixin, utcnow


class Quota(Base, TimestampMixin):
    """A project's limit of one resource, overriding the default quota class."""

    __tablename__ = 'quotas'
    __table_args__ = (
        UniqueConstraint('project_id', 'resource', name='uniq_quotas0project_id0resource'),
    )
    id = Column(Integer, primary_key=True)
    project_id = Column(String(255), nullable=False)
    resource = Column(String(255), nullable=False)
    hard_limit = Column(Integer, nullable=False)


class ProjectUserQuota(Base, TimestampMixin):
    """One user's limit of one resource inside a project."""

    __tablename__ = 'project_user_quotas'
    __table_args__ = (
        UniqueConstraint('user_id', 'project_id', 'resource',
                         name='uniq_project_user_quotas0user_id0project_id0resource'),
        Index('project_user_quotas_project_id_idx', 'project_id'),
    )
    id = Column(Integer, primary_key=True)
    project_id = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=False)
    resource = Column(String(255), nullable=False)
    hard_limit = Column(Integer, nullable=False)


class QuotaClass(Base, TimestampMixin):
    """A quota class's limit of one resource; class ``default`` backs every project."""

    __tablename__ = 'quota_classes'
    __table_args__ = (
        UniqueConstraint('class_name', 'resource',
                         name='uniq_quota_classes0class_name0resource'),
    )
    id = Column(Integer, primary_key=True)
    class_name = Column(String(255), nullable=False)
    resource = Column(String(255), nullable=False)
    hard_limit = Column(Integer, nullable=False)


class QuotaLock(Base):
    """One row per quota owner (a project, or a user for key pairs).

    Creates that are counted against a quota first UPDATE their owner's row:
    that serialises them on every backend (a row lock on MariaDB and
    PostgreSQL, the write lock on SQLite), so two API workers never both see
    the last free slot.
    """

    __tablename__ = 'quota_locks'
    scope = Column(String(16), primary_key=True)
    owner = Column(String(255), primary_key=True)
    updated_at = Column(DateTime)


class QuotaReservation(Base):
    """Resources a create in flight holds until its rows exist (or it expires)."""

    __tablename__ = 'quota_reservations'
    __table_args__ = (Index('quota_reservations_project_id_idx', 'project_id'),
                      Index('quota_reservations_uuid_idx', 'uuid', unique=True))
    id = Column(Integer, primary_key=True)
    # Chosen by the create, so it can tell whether a reservation whose commit
    # it did not hear about was made (rows before 0021 have none).
    uuid = Column(String(36))
    project_id = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=False)
    instances = Column(Integer, nullable=False, default=0)
    cores = Column(Integer, nullable=False, default=0)
    ram = Column(Integer, nullable=False, default=0)
    expires_at = Column(DateTime, nullable=False)
    created_at = Column(DateTime, default=utcnow, nullable=False)
