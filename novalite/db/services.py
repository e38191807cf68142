"""Services and their heartbeats, and compute nodes' reported totals."""

import json
import uuid

import sqlalchemy as sa

from novalite import exception
from novalite.db import aggregates, engine, models
from novalite.db.models import utcnow

# Listings read plain rows of the tables: API views read them on every request.
_SERVICES = models.Service.__table__
_NODES = models.ComputeNode.__table__


def _live_rows(table, *criteria, host=None):
    """JSON-ready dicts of the live rows of ``table`` matching, in id order."""
    statement = sa.select(table).where(table.c.deleted == 0, *criteria)
    if host:
        statement = statement.where(table.c.host == host)
    with engine.reader() as session:
        return [models.json_ready(row)
                for row in session.execute(statement.order_by(table.c.id)).mappings()]


def service_get_or_create(host, binary, topic):
    """The live service row of ``binary`` on ``host``, created on first start."""
    with engine.writer() as session:
        row = _service_query(session, host, binary).one_or_none()
        if row is None:
            row = models.Service(uuid=str(uuid.uuid4()), host=host, binary=binary,
                                 topic=topic, last_seen_up=utcnow())
            session.add(row)
            session.flush()
        return row.as_dict()


def _service_query(session, host, binary):
    return session.query(models.Service).filter_by(host=host, binary=binary, deleted=0)


def service_heartbeat(service_id):
    """Record that a service is alive; returns the refreshed row."""
    with engine.writer() as session:
        session.execute(
            sa.update(models.Service)
            .where(models.Service.id == service_id)
            .values(report_count=models.Service.report_count + 1,
                    last_seen_up=utcnow(), updated_at=utcnow()))
        row = session.get(models.Service, service_id)
        if row is None or row.deleted:
            raise exception.ServiceNotFound(service_id=service_id)
        return row.as_dict()


def service_get_all(binary=None, host=None):
    """Live services, of ``binary`` and on ``host`` if given."""
    criteria = [_SERVICES.c.binary == binary] if binary else []
    return _live_rows(_SERVICES, *criteria, host=host)


# Built once: server views read the states of their page's hosts on every request.
_STATES_ON_HOSTS = (
    sa.select(_SERVICES.c.host, _SERVICES.c.disabled, _SERVICES.c.forced_down,
              _SERVICES.c.last_seen_up, _SERVICES.c.updated_at, _SERVICES.c.created_at)
    .where(_SERVICES.c.deleted == 0, _SERVICES.c.binary == sa.bindparam('binary'),
           _SERVICES.c.host.in_(sa.bindparam('hosts', expanding=True))))


def service_states(binary, hosts):
    """The live ``binary`` services on ``hosts``: ``host``, ``disabled``,
    ``forced_down`` and the heartbeat times (datetimes) that liveness reads."""
    with engine.reader() as session:
        return [dict(row) for row in session.execute(
            _STATES_ON_HOSTS, {'binary': binary, 'hosts': sorted(hosts)}).mappings()]


def _by_id_or_uuid(ident):
    """Filter of a row named by integer id or (2.53 on) by uuid string."""
    return {'uuid': ident} if isinstance(ident, str) else {'id': ident}


def service_get(service_id):
    """The service of integer id or uuid ``service_id``. :raises ServiceNotFound:"""
    with engine.reader() as session:
        row = (session.query(models.Service)
               .filter_by(**_by_id_or_uuid(service_id), deleted=0).one_or_none())
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return row.as_dict()


def service_update(service_id, values):
    """:raises ServiceNotFound:"""
    with engine.writer() as session:
        row = session.query(models.Service).filter_by(id=service_id, deleted=0).one_or_none()
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        return row.as_dict()


def service_destroy(service_id):
    """Soft-delete a service and the compute nodes of its host.

    :raises ServiceNotFound:
    """
    with engine.writer() as session:
        row = session.query(models.Service).filter_by(id=service_id, deleted=0).one_or_none()
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        now = utcnow()
        row.deleted, row.deleted_at = row.id, now
        if row.binary == 'novalite-compute':
            session.execute(
                sa.update(models.ComputeNode)
                .where(models.ComputeNode.host == row.host, models.ComputeNode.deleted == 0)
                .values(deleted=models.ComputeNode.id, deleted_at=now))


_TOTAL_FIELDS = (
    'hypervisor_type', 'hypervisor_version', 'host_ip', 'availability_zone',
    'vcpus', 'memory_mb', 'local_gb', 'free_disk_gb', 'running_vms',
    'reserved_host_cpus', 'reserved_host_memory_mb', 'reserved_host_disk_mb',
    'cpu_allocation_ratio', 'ram_allocation_ratio', 'disk_allocation_ratio',
)


def compute_node_report(host, nodename, resources):
    """Create or update a node's totals as its compute host reports them.

    ``resources`` holds the keys of ``_TOTAL_FIELDS`` plus ``cpu_info`` and
    ``supported_instances``. Usage columns are left alone: claims own them.
    Returns the node row.
    """
    values = {key: resources[key] for key in _TOTAL_FIELDS if key in resources}
    values['cpu_info'] = json.dumps(resources.get('cpu_info') or {})
    values['supported_instances'] = json.dumps(resources.get('supported_instances') or [])
    with engine.writer() as session:
        row = (session.query(models.ComputeNode)
               .filter_by(host=host, hypervisor_hostname=nodename, deleted=0).one_or_none())
        if row is None:
            row = models.ComputeNode(uuid=str(uuid.uuid4()), host=host,
                                     hypervisor_hostname=nodename, **values)
            session.add(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = utcnow()
        session.flush()
        return row.as_dict()


def compute_node_get_all(host=None):
    """Live compute nodes, on ``host`` if given."""
    return _live_rows(_NODES, host=host)


def zones_by_host(hosts=None):
    """``{host: availability zone}`` of the live compute nodes (of ``hosts`` if given).

    A host in an aggregate with ``availability_zone`` metadata is in that
    zone; others in the zone their node reports.
    """
    statement = sa.select(_NODES.c.host, _NODES.c.availability_zone).where(_NODES.c.deleted == 0)
    if hosts is not None:
        statement = statement.where(_NODES.c.host.in_(sorted(hosts)))
    with engine.reader() as session:
        zones = dict(session.execute(statement.order_by(_NODES.c.id)).all())
    overrides = aggregates.zones_by_host(hosts)
    zones.update((host, zone) for host, zone in overrides.items() if host in zones)
    return zones


def compute_node_get(node_id):
    """The node of integer id or uuid ``node_id``. :raises HypervisorNotFound:"""
    with engine.reader() as session:
        row = (session.query(models.ComputeNode)
               .filter_by(**_by_id_or_uuid(node_id), deleted=0).one_or_none())
        if row is None:
            raise exception.HypervisorNotFound(hypervisor_id=node_id)
        return row.as_dict()


def compute_node_get_by_host_and_node(host, nodename):
    """:raises ComputeHostNotFound:"""
    with engine.reader() as session:
        row = (session.query(models.ComputeNode)
               .filter_by(host=host, hypervisor_hostname=nodename, deleted=0).one_or_none())
        if row is None:
            raise exception.ComputeHostNotFound(host=f'{host}/{nodename}')
        return row.as_dict()


# The scheduler reads every compute node and service on each request, so these
# two return plain rows of the few columns it needs (no ORM objects) and can
# limit themselves to the rows changed since a previous read.

_SCHEDULER_NODE_COLUMNS = (
    'id', 'host', 'hypervisor_hostname', 'hypervisor_type', 'hypervisor_version',
    'availability_zone', 'supported_instances', 'vcpus', 'memory_mb', 'local_gb',
    'vcpus_used', 'memory_mb_used', 'local_gb_used', 'reserved_host_cpus',
    'reserved_host_memory_mb', 'reserved_host_disk_mb', 'cpu_allocation_ratio',
    'ram_allocation_ratio', 'disk_allocation_ratio', 'deleted',
)

_SCHEDULER_SERVICE_COLUMNS = (
    'id', 'host', 'disabled', 'forced_down', 'last_seen_up', 'updated_at', 'created_at',
    'deleted',
)


def _rows_for_scheduler(model, columns, where, changed_since):
    query = sa.select(*(getattr(model, name) for name in columns)).where(*where)
    if changed_since is None:
        query = query.where(model.deleted == 0)
    else:
        # Deleted rows are returned too, so that the caller can drop them.
        query = query.where(sa.or_(model.updated_at >= changed_since,
                                   model.created_at >= changed_since))
    with engine.reader() as session:
        return session.execute(query.order_by(model.id)).all()


def compute_nodes_get_for_scheduler(changed_since=None):
    """Compute nodes as the scheduler's host states need them.

    Returns rows (named tuples of ``_SCHEDULER_NODE_COLUMNS``) of the live
    nodes or, with ``changed_since`` (naive UTC), of the nodes created,
    updated or deleted (``deleted`` != 0) at or after it. Claims and releases
    update ``updated_at`` too. Change times come from the clock of the worker
    that wrote them, before its commit: callers look back a margin.
    """
    return _rows_for_scheduler(models.ComputeNode, _SCHEDULER_NODE_COLUMNS, (), changed_since)


def services_get_for_scheduler(binary, changed_since=None, flagged_hosts=None):
    """Services of ``binary`` as the scheduler needs them (``_SCHEDULER_SERVICE_COLUMNS``).

    ``changed_since`` as for :func:`compute_nodes_get_for_scheduler`. With
    ``flagged_hosts`` (the hosts the caller holds as disabled or forced down)
    as well, heartbeats are skipped: only the changed rows that are new,
    disabled, forced down or deleted, or of a flagged host, are returned.
    On a large cloud nearly every service heartbeats within seconds, so this
    is what keeps reading the state changes cheap.
    """
    service = models.Service
    where = [service.binary == binary]
    if changed_since is not None and flagged_hosts is not None:
        relevant = [service.created_at >= changed_since, service.disabled.is_(True),
                    service.forced_down.is_(True), service.deleted != 0]
        if flagged_hosts:
            relevant.append(service.host.in_(sorted(flagged_hosts)))
        where.append(sa.or_(*relevant))
    return _rows_for_scheduler(service, _SCHEDULER_SERVICE_COLUMNS, where, changed_since)
