"""Block storage: volumes, their attachments, and servers' block device mappings."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Text,
)

from novalite.db.models.base import Base, SoftDeleteMixin, TimestampMixin


class Volume(Base, TimestampMixin, SoftDeleteMixin):
    """A block storage volume the volume service exports (Cinder's ``volumes``).

    ``status`` is the state machine the Block Storage API shows (creating,
    available, reserved, attaching, in-use, detaching, extending, deleting,
    error, error_deleting, error_extending); ``provider_location`` is
    ``portal,tid iqn lun`` and ``provider_auth`` ``CHAP user password`` once
    the volume service exported it.
    """

    __tablename__ = 'volumes'
    __table_args__ = (
        Index('volumes_project_id_deleted_idx', 'project_id', 'deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    project_id = Column(String(255))
    user_id = Column(String(255))
    host = Column(String(255))
    size = Column(Integer, nullable=False)
    status = Column(String(255), nullable=False)
    attach_status = Column(String(255), nullable=False, default='detached')
    display_name = Column(String(255))
    display_description = Column(String(255))
    availability_zone = Column(String(255))
    volume_type = Column(String(255))
    image_id = Column(String(36))
    bootable = Column(Boolean, nullable=False, default=False)
    provider_location = Column(String(255))
    provider_auth = Column(String(255))
    volume_metadata = Column(Text, nullable=False, default='{}')
    launched_at = Column(DateTime)
    # The snapshot the volume was made from, kept so a restart can make it again.
    snapshot_id = Column(String(36))


class VolumeSnapshot(Base, TimestampMixin, SoftDeleteMixin):
    """A point-in-time copy of a volume, kept on the volume's storage host (Cinder's
    ``snapshots``).

    ``status``: creating, available, deleting, error, error_deleting.
    ``volume_size`` is the volume's size when the snapshot was taken: a volume
    made from the snapshot is at least that large.
    """

    __tablename__ = 'volume_snapshots'
    __table_args__ = (
        Index('volume_snapshots_volume_uuid_idx', 'volume_uuid'),
        Index('volume_snapshots_project_id_deleted_idx', 'project_id', 'deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    volume_uuid = Column(String(36), nullable=False)
    project_id = Column(String(255))
    user_id = Column(String(255))
    host = Column(String(255))
    status = Column(String(255), nullable=False)
    progress = Column(String(255))
    volume_size = Column(Integer, nullable=False)
    display_name = Column(String(255))
    display_description = Column(String(255))
    snapshot_metadata = Column(Text, nullable=False, default='{}')


class VolumeAttachment(Base, TimestampMixin, SoftDeleteMixin):
    """One attachment of a volume to a server (the attachments API of 3.27+).

    ``attach_status``: reserved (created without a connector), attaching
    (connector given, connection_info handed out), attached (completed),
    detached (deleted). ``connection_info`` is what the compute host connects with.
    """

    __tablename__ = 'volume_attachments'
    __table_args__ = (
        Index('volume_attachments_volume_uuid_idx', 'volume_uuid'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    volume_uuid = Column(String(36), nullable=False)
    instance_uuid = Column(String(36))
    attached_host = Column(String(255))
    mountpoint = Column(String(255))
    attach_mode = Column(String(36), nullable=False, default='rw')
    attach_status = Column(String(255), nullable=False)
    connector = Column(Text)
    connection_info = Column(Text)
    attach_time = Column(DateTime)
    detach_time = Column(DateTime)


class BlockDeviceMapping(Base, TimestampMixin, SoftDeleteMixin):
    """How a server's disk is made and where the guest sees it (Nova's BDM v2).

    Written by the compute API (boot) and, through the conductor, by the
    compute host (attach); ``connection_info`` is the JSON the volume API
    returned, kept so that a reboot or a restart can reconnect the disk.
    """

    __tablename__ = 'block_device_mappings'
    __table_args__ = (
        Index('block_device_mappings_instance_uuid_idx', 'instance_uuid'),
        Index('block_device_mappings_volume_id_idx', 'volume_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    instance_uuid = Column(String(36), nullable=False)
    source_type = Column(String(255), nullable=False)
    destination_type = Column(String(255), nullable=False)
    device_name = Column(String(255))
    device_type = Column(String(255))
    disk_bus = Column(String(255))
    boot_index = Column(Integer)
    image_id = Column(String(36))
    # The volume snapshot a ``snapshot`` source's volume is made from.
    snapshot_id = Column(String(36))
    volume_id = Column(String(36))
    volume_size = Column(Integer)
    attachment_id = Column(String(36))
    delete_on_termination = Column(Boolean, nullable=False, default=False)
    connection_info = Column(Text)
    tag = Column(String(255))
    # The type of the volume the build makes (API 2.67); None: the default.
    volume_type = Column(String(255))
