"""Compute: services and nodes, flavors, instances and what hangs off them."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from novalite.db.models.base import Base, SoftDeleteMixin, TimestampMixin, utcnow


class Service(Base, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'services'
    __table_args__ = (
        UniqueConstraint('host', 'binary', 'deleted', name='uniq_services0host0binary0deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    host = Column(String(255), nullable=False)
    binary = Column(String(255), nullable=False)
    topic = Column(String(255))
    report_count = Column(Integer, nullable=False, default=0)
    disabled = Column(Boolean, nullable=False, default=False)
    disabled_reason = Column(String(255))
    forced_down = Column(Boolean, nullable=False, default=False)
    last_seen_up = Column(DateTime)
    version = Column(Integer, nullable=False, default=0)


class ComputeNode(Base, TimestampMixin, SoftDeleteMixin):
    """A hypervisor node: totals reported by its compute host, usage kept by claims.

    ``vcpus_used``, ``memory_mb_used`` and ``local_gb_used`` are the sums of
    the node's allocations; claims change them with a conditional UPDATE so
    that concurrent schedulers never overcommit (see ``db.api.claim``).
    """

    __tablename__ = 'compute_nodes'
    __table_args__ = (
        UniqueConstraint('host', 'hypervisor_hostname', 'deleted',
                         name='uniq_compute_nodes0host0hypervisor_hostname0deleted'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    host = Column(String(255), nullable=False)
    hypervisor_hostname = Column(String(255), nullable=False)
    hypervisor_type = Column(String(255), nullable=False)
    hypervisor_version = Column(BigInteger, nullable=False, default=0)
    cpu_info = Column(Text, nullable=False, default='{}')
    host_ip = Column(String(64))
    availability_zone = Column(String(255), nullable=False)
    supported_instances = Column(Text, nullable=False, default='[]')
    vcpus = Column(Integer, nullable=False)
    memory_mb = Column(Integer, nullable=False)
    local_gb = Column(Integer, nullable=False)
    vcpus_used = Column(Integer, nullable=False, default=0)
    memory_mb_used = Column(Integer, nullable=False, default=0)
    local_gb_used = Column(Integer, nullable=False, default=0)
    free_disk_gb = Column(Integer)
    running_vms = Column(Integer, nullable=False, default=0)
    reserved_host_cpus = Column(Integer, nullable=False, default=0)
    reserved_host_memory_mb = Column(Integer, nullable=False, default=0)
    reserved_host_disk_mb = Column(Integer, nullable=False, default=0)
    cpu_allocation_ratio = Column(Float, nullable=False, default=1.0)
    ram_allocation_ratio = Column(Float, nullable=False, default=1.0)
    disk_allocation_ratio = Column(Float, nullable=False, default=1.0)
    generation = Column(Integer, nullable=False, default=0)


class Allocation(Base):
    """Resources one consumer (an instance) holds on one compute node."""

    __tablename__ = 'allocations'
    __table_args__ = (
        UniqueConstraint('consumer_id', 'compute_node_id',
                         name='uniq_allocations0consumer_id0compute_node_id'),
        Index('allocations_compute_node_id_idx', 'compute_node_id'),
    )
    id = Column(Integer, primary_key=True)
    consumer_id = Column(String(36), nullable=False)
    compute_node_id = Column(Integer, ForeignKey('compute_nodes.id'), nullable=False)
    vcpus = Column(Integer, nullable=False)
    memory_mb = Column(Integer, nullable=False)
    disk_gb = Column(Integer, nullable=False)
    created_at = Column(DateTime, default=utcnow, nullable=False)


class Flavor(Base, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'flavors'
    __table_args__ = (
        UniqueConstraint('flavorid', 'deleted', name='uniq_flavors0flavorid0deleted'),
        UniqueConstraint('name', 'deleted', name='uniq_flavors0name0deleted'),
    )
    id = Column(Integer, primary_key=True)
    flavorid = Column(String(255), nullable=False)
    name = Column(String(255), nullable=False)
    memory_mb = Column(Integer, nullable=False)
    vcpus = Column(Integer, nullable=False)
    root_gb = Column(Integer, nullable=False, default=0)
    ephemeral_gb = Column(Integer, nullable=False, default=0)
    swap = Column(Integer, nullable=False, default=0)
    rxtx_factor = Column(Float, nullable=False, default=1.0)
    is_public = Column(Boolean, nullable=False, default=True)
    disabled = Column(Boolean, nullable=False, default=False)
    description = Column(Text)
    extra_specs = relationship('FlavorExtraSpec', lazy='selectin',
                               cascade='all, delete-orphan')


class FlavorExtraSpec(Base):
    __tablename__ = 'flavor_extra_specs'
    __table_args__ = (
        UniqueConstraint('flavor_id', 'key', name='uniq_flavor_extra_specs0flavor_id0key'),
    )
    id = Column(Integer, primary_key=True)
    flavor_id = Column(Integer, ForeignKey('flavors.id'), nullable=False)
    key = Column(String(255), nullable=False)
    value = Column(String(255))


class Instance(Base, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'instances'
    __table_args__ = (
        Index('instances_host_deleted_idx', 'host', 'deleted'),
        # Listings of every project page through live rows newest first; without
        # it they scan every soft-deleted row the cloud ever had.
        Index('instances_deleted_created_at_idx', 'deleted', 'created_at'),
        Index('instances_project_id_deleted_idx', 'project_id', 'deleted'),
        Index('instances_reservation_id_idx', 'reservation_id'),
    )
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    project_id = Column(String(255))
    user_id = Column(String(255))
    display_name = Column(String(255))
    display_description = Column(String(255))
    hostname = Column(String(255))
    host = Column(String(255))
    node = Column(String(255))
    launched_on = Column(String(255))
    image_ref = Column(String(255))
    kernel_id = Column(String(255))
    ramdisk_id = Column(String(255))
    flavor = Column(Text, nullable=False)
    instance_type_id = Column(Integer)
    memory_mb = Column(Integer, nullable=False)
    vcpus = Column(Integer, nullable=False)
    root_gb = Column(Integer, nullable=False)
    ephemeral_gb = Column(Integer, nullable=False)
    swap = Column(Integer, nullable=False, default=0)
    vm_state = Column(String(255), nullable=False)
    task_state = Column(String(255))
    power_state = Column(Integer, nullable=False, default=0)
    availability_zone = Column(String(255))
    config_drive = Column(String(255))
    key_name = Column(String(255))
    key_data = Column(Text)
    user_data = Column(Text)
    system_metadata = Column(Text, nullable=False, default='{}')
    request_spec = Column(Text)
    reservation_id = Column(String(255))
    launch_index = Column(Integer, nullable=False, default=0)
    access_ip_v4 = Column(String(39))
    access_ip_v6 = Column(String(39))
    locked = Column(Boolean, nullable=False, default=False)
    # Who locked it: 'owner' (a caller of the server's project) or 'admin'
    # (anyone else); only the unlock_override rule lifts another's lock.
    locked_by = Column(String(5))
    progress = Column(Integer, nullable=False, default=0)
    launched_at = Column(DateTime)
    terminated_at = Column(DateTime)
    # What the API shows of a server is on its row, so that a listing reads
    # one row per server: the user's metadata ({key: value}) and Nova's
    # network info cache (the network_info of the fixed IPs it holds,
    # written in the transaction that claims or releases them).
    user_metadata = Column(Text, nullable=False, default='{}')
    network_info = Column(Text, nullable=False, default='[]')


class InstanceFault(Base):
    __tablename__ = 'instance_faults'
    __table_args__ = (Index('instance_faults_instance_uuid_idx', 'instance_uuid'),)
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    code = Column(Integer, nullable=False)
    message = Column(String(255), nullable=False)
    details = Column(Text)
    host = Column(String(255))
    created_at = Column(DateTime, default=utcnow, nullable=False)


class InstanceAction(Base):
    __tablename__ = 'instance_actions'
    __table_args__ = (
        Index('instance_actions_instance_uuid_request_id_idx', 'instance_uuid', 'request_id'),
    )
    id = Column(Integer, primary_key=True)
    instance_uuid = Column(String(36), nullable=False)
    action = Column(String(255), nullable=False)
    request_id = Column(String(255), nullable=False)
    user_id = Column(String(255))
    project_id = Column(String(255))
    message = Column(String(255))
    start_time = Column(DateTime, default=utcnow, nullable=False)
    finish_time = Column(DateTime)
    updated_at = Column(DateTime, default=utcnow, onupdate=utcnow)


class InstanceActionEvent(Base):
    __tablename__ = 'instance_actions_events'
    __table_args__ = (Index('instance_actions_events_action_id_idx', 'action_id'),)
    id = Column(Integer, primary_key=True)
    action_id = Column(Integer, ForeignKey('instance_actions.id'), nullable=False)
    event = Column(String(255), nullable=False)
    result = Column(String(255))
    traceback = Column(Text)
    host = Column(String(255))
    details = Column(Text)
    start_time = Column(DateTime, default=utcnow, nullable=False)
    finish_time = Column(DateTime)


class KeyPair(Base, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'key_pairs'
    __table_args__ = (
        UniqueConstraint('user_id', 'name', 'deleted', name='uniq_key_pairs0user_id0name0deleted'),
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=False)
    fingerprint = Column(String(255), nullable=False)
    public_key = Column(Text, nullable=False)
    type = Column(String(16), nullable=False, default='ssh')


class Network(Base, TimestampMixin):
    """A flat network: one bridge, one IPv4 subnet."""

    __tablename__ = 'networks'
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    label = Column(String(255), nullable=False, unique=True)
    cidr = Column(String(43), nullable=False)
    gateway = Column(String(39))
    dns1 = Column(String(39))
    dns2 = Column(String(39))
    bridge = Column(String(15), nullable=False)
    mtu = Column(Integer)


class FixedIP(Base):
    """An address of a network; ``instance_uuid`` set while a server holds it."""

    __tablename__ = 'fixed_ips'
    __table_args__ = (
        UniqueConstraint('network_id', 'address', name='uniq_fixed_ips0network_id0address'),
        Index('fixed_ips_instance_uuid_idx', 'instance_uuid'),
    )
    id = Column(Integer, primary_key=True)
    network_id = Column(Integer, ForeignKey('networks.id'), nullable=False)
    address = Column(String(39), nullable=False)
    instance_uuid = Column(String(36))
    port_id = Column(String(36))
    mac_address = Column(String(17))
    allocated_at = Column(DateTime)


class Tag(Base):
    """A server's tag (2.26): one row per (server, tag)."""

    __tablename__ = 'tags'
    __table_args__ = (Index('tags_tag_idx', 'tag'),)
    resource_id = Column(String(36), primary_key=True)
    tag = Column(String(80), primary_key=True)


class InstanceGroup(Base, TimestampMixin):
    """A server group: members placed by one policy (hard or soft (anti-)affinity).

    ``rules`` is JSON (2.64: ``{"max_server_per_host": N}``). Claims for
    members of a group with a hard policy first update the group's row, which
    serialises them, so that racing boots cannot both take the last slot.
    """

    __tablename__ = 'instance_groups'
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    name = Column(String(255))
    project_id = Column(String(255), nullable=False)
    user_id = Column(String(255), nullable=False)
    policy = Column(String(255), nullable=False)
    rules = Column(Text, nullable=False, default='{}')
    generation = Column(Integer, nullable=False, default=0)


class InstanceGroupMember(Base, TimestampMixin):
    __tablename__ = 'instance_group_members'
    __table_args__ = (
        UniqueConstraint('group_id', 'instance_uuid',
                         name='uniq_instance_group_members0group_id0instance_uuid'),
        Index('instance_group_members_instance_uuid_idx', 'instance_uuid'),
    )
    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey('instance_groups.id'), nullable=False)
    instance_uuid = Column(String(36), nullable=False)


class Aggregate(Base, TimestampMixin):
    """A host aggregate; its ``availability_zone`` metadata puts its hosts in a zone."""

    __tablename__ = 'aggregates'
    id = Column(Integer, primary_key=True)
    uuid = Column(String(36), nullable=False, unique=True)
    name = Column(String(255), nullable=False, unique=True)


class AggregateHost(Base, TimestampMixin):
    __tablename__ = 'aggregate_hosts'
    __table_args__ = (
        UniqueConstraint('host', 'aggregate_id', name='uniq_aggregate_hosts0host0aggregate_id'),
    )
    id = Column(Integer, primary_key=True)
    aggregate_id = Column(Integer, ForeignKey('aggregates.id'), nullable=False)
    host = Column(String(255), nullable=False)


class AggregateMetadata(Base, TimestampMixin):
    __tablename__ = 'aggregate_metadata'
    __table_args__ = (
        UniqueConstraint('aggregate_id', 'key', name='uniq_aggregate_metadata0aggregate_id0key'),
        Index('aggregate_metadata_key_idx', 'key'),
    )
    id = Column(Integer, primary_key=True)
    aggregate_id = Column(Integer, ForeignKey('aggregates.id'), nullable=False)
    key = Column(String(255), nullable=False)
    value = Column(String(255), nullable=False)


class ConsoleAuthToken(Base, TimestampMixin):
    """A console URL's token: which host and port it opens, until when.

    Only the token's sha256 is stored, as in Nova, so a database dump opens
    no console; ``expires`` is a UNIX time the proxies compare with theirs.
    """

    __tablename__ = 'console_auth_tokens'
    __table_args__ = (
        Index('console_auth_tokens_instance_uuid_idx', 'instance_uuid'),
        Index('console_auth_tokens_token_hash_instance_uuid_idx', 'token_hash',
              'instance_uuid'),
    )
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(255), nullable=False, unique=True)
    console_type = Column(String(255), nullable=False)
    host = Column(String(255), nullable=False)
    port = Column(Integer, nullable=False)
    internal_access_path = Column(String(255))
    instance_uuid = Column(String(36), nullable=False)
    access_url_base = Column(String(255))
    expires = Column(Integer, nullable=False)


class FlavorProject(Base, TimestampMixin):
    """A project that may see and boot a private flavor (``os-flavor-access``)."""

    __tablename__ = 'flavor_projects'
    __table_args__ = (
        UniqueConstraint('flavor_id', 'project_id',
                         name='uniq_flavor_projects0flavor_id0project_id'),
    )
    id = Column(Integer, primary_key=True)
    flavor_id = Column(Integer, ForeignKey('flavors.id'), nullable=False)
    project_id = Column(String(255), nullable=False)


class TaskLog(Base, TimestampMixin):
    """One host's run of a periodic audit over one period (Nova's ``task_log``).

    ``instance_usage_audit`` rows back ``os-instance_usage_audit_log``:
    ``state`` is ``RUNNING`` then ``DONE``, ``task_items`` the servers
    audited, ``errors`` those that could not be.
    """

    __tablename__ = 'task_log'
    __table_args__ = (
        UniqueConstraint('task_name', 'host', 'period_beginning', 'period_ending',
                         name='uniq_task_name0host0period_beginning0period_ending'),
    )
    id = Column(Integer, primary_key=True)
    task_name = Column(String(255), nullable=False)
    state = Column(String(255), nullable=False)
    host = Column(String(255), nullable=False)
    period_beginning = Column(DateTime, nullable=False)
    period_ending = Column(DateTime, nullable=False)
    message = Column(String(255), nullable=False)
    task_items = Column(Integer, default=0)
    errors = Column(Integer, default=0)
