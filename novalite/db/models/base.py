"""The declarative base, its mixins and the helpers every model module shares."""

import datetime

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
)
from sqlalchemy.orm import DeclarativeBase


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def json_ready(values):
    """``values`` (column name to value) with datetimes as ISO strings."""
    return {key: value.isoformat() if isinstance(value, datetime.datetime) else value
            for key, value in values.items()}


class Base(DeclarativeBase):
    def as_dict(self):
        """Column values as a JSON-ready dict (datetimes as ISO strings)."""
        return json_ready({column.key: getattr(self, column.key)
                           for column in self.__table__.columns})


class TimestampMixin:
    created_at = Column(DateTime, default=utcnow, nullable=False)
    updated_at = Column(DateTime, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at = Column(DateTime)
    deleted = Column(Integer, default=0, nullable=False)
