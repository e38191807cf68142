"""The flat network's IPAM: the network row, its fixed IPs and who holds them.

The network is created once from ``[network]`` options; its fixed IPs are
pre-created rows, one per usable address. A server gets an address by a
conditional UPDATE that claims one free row (``WHERE instance_uuid IS
NULL``), serialized per network behind a write to the network row so that a
retried allocation for the same instance never takes a second address. It
works alike on SQLite, MariaDB and PostgreSQL, with no table locks, and every
call is idempotent, so a retried allocation or release is harmless.

A claim or release also rewrites the instance's network info cache (the
``network_info`` column of ``instances``, which API views show) in its
transaction, so the cache never disagrees with the addresses held.
"""

import ipaddress
import json
import uuid

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_log import log as logging

from novalite import exception
from novalite.db import engine, models
from novalite.db.models import utcnow

LOG = logging.getLogger(__name__)

_NET = models.Network
_IP = models.FixedIP
_INSTANCES = models.Instance.__table__
_MAX_ATTEMPTS = 50


class NoMoreFixedIps(exception.NovaliteException):
    msg_fmt = "No fixed IP addresses left in network %(network)s."
    code = 500


def _network_dict(row):
    return {'id': row.id, 'uuid': row.uuid, 'label': row.label, 'cidr': row.cidr,
            'gateway': row.gateway, 'dns': [d for d in (row.dns1, row.dns2) if d],
            'bridge': row.bridge, 'mtu': row.mtu}


def _ip_dict(row):
    return {'address': row.address, 'instance_uuid': row.instance_uuid,
            'port_id': row.port_id, 'mac_address': row.mac_address,
            'network_id': row.network_id}


def network_values(conf):
    """Row values of the network ``conf.network`` describes.

    :raises Invalid: the CIDR, gateway or DNS servers are malformed.
    """
    opts = conf.network
    try:
        subnet = ipaddress.IPv4Network(opts.cidr, strict=True)
        gateway = ipaddress.IPv4Address(opts.gateway) if opts.gateway else next(subnet.hosts())
        dns = [str(ipaddress.ip_address(d)) for d in opts.dns_servers[:2]]
    except (ValueError, StopIteration) as exc:
        raise exception.Invalid(f"Invalid [network] configuration: {exc}") from exc
    if gateway not in subnet:
        raise exception.Invalid(f"[network] gateway {gateway} is not in {subnet}")
    return {'uuid': str(uuid.uuid4()), 'label': opts.label, 'cidr': str(subnet),
            'gateway': str(gateway), 'dns1': dns[0] if dns else None,
            'dns2': dns[1] if len(dns) > 1 else None, 'bridge': opts.bridge, 'mtu': opts.mtu}


def mac_for(address):
    """The vif MAC of a fixed IP: Nova's ``fa:16:3e`` prefix + the address' low 24 bits.

    Deriving it from the address keeps MACs unique on the segment without a lookup.
    """
    low = int(ipaddress.IPv4Address(address)) & 0xFFFFFF
    return 'fa:16:3e:%02x:%02x:%02x' % (low >> 16, (low >> 8) & 0xFF, low & 0xFF)


def _fixed_ip_rows(network_id, values):
    subnet = ipaddress.IPv4Network(values['cidr'])
    reserved = {values['gateway'], values['dns1'], values['dns2']}
    return [{'network_id': network_id, 'address': str(host)}
            for host in subnet.hosts() if str(host) not in reserved]


def _get_network(session, label):
    return session.execute(sa.select(_NET).filter_by(label=label)).scalar_one_or_none()


def network_ensure(conf):
    """The configured network as a dict, creating it and its fixed IPs once.

    Safe when several conductors start at once: the loser of the insert race
    reads the winner's row.
    """
    with engine.reader() as session:
        row = _get_network(session, conf.network.label)
        if row is not None:
            return _network_dict(row)
    values = network_values(conf)
    try:
        with engine.writer() as session:
            row = _NET(**values)
            session.add(row)
            session.flush()
            session.execute(sa.insert(_IP), _fixed_ip_rows(row.id, values))
            LOG.info("Created network %s (%s) on bridge %s",
                     values['label'], values['cidr'], values['bridge'])
            return _network_dict(row)
    except db_exc.DBDuplicateEntry:
        with engine.reader() as session:
            return _network_dict(_get_network(session, conf.network.label))


def _held(session, instance_uuid):
    query = sa.select(_IP).filter_by(instance_uuid=instance_uuid).order_by(_IP.id)
    return session.execute(query).scalars().all()


def _lock_network(session, network_id):
    """Serialize claims in one network behind a write to its row.

    Claims of different instances would be safe lock-free (the conditional
    UPDATE decides), but two claims for the *same* instance (a retried
    build) must not both succeed, and only serialization makes the "does it
    hold one already" check and the claim one step. A write as the first
    statement is a lock on every backend: a row lock on MariaDB and
    PostgreSQL, the database write lock on SQLite (which cannot upgrade a
    read transaction to a write one under contention).
    """
    session.execute(sa.update(_NET).where(_NET.id == network_id)
                    .values(updated_at=utcnow()))


def _claim(session, network_id, instance_uuid):
    """Claim the lowest free row; its dict, or None if the conditional UPDATE lost."""
    free = session.execute(
        sa.select(_IP.id, _IP.address)
        .where(_IP.network_id == network_id, _IP.instance_uuid.is_(None))
        .order_by(_IP.id).limit(1)).first()
    if free is None:
        raise NoMoreFixedIps(network=network_id)
    result = session.execute(
        sa.update(_IP).where(_IP.id == free.id, _IP.instance_uuid.is_(None))
        .values(instance_uuid=instance_uuid, port_id=str(uuid.uuid4()),
                mac_address=mac_for(free.address), allocated_at=utcnow()))
    if result.rowcount != 1:
        return None
    return _ip_dict(session.execute(sa.select(_IP).filter_by(id=free.id)).scalar_one())


def _cache_network_info(session, instance_uuid, network_info):
    session.execute(sa.update(_INSTANCES).where(_INSTANCES.c.uuid == instance_uuid)
                    .values(network_info=json.dumps(network_info)))


def fixed_ip_allocate(network, instance_uuid, network_info_of):
    """Give ``instance_uuid`` a fixed IP in ``network`` unless it holds one.

    :param network: the network's dict, as :func:`network_ensure` returns it.
    :param network_info_of: builds the ``network_info`` to cache from the
        fixed IP's dict (the shape is :mod:`novalite.network`'s, not the table's).
    :returns: the ``network_info`` of the address held, as cached on the instance.
    :raises NoMoreFixedIps: every address of the network is taken.
    """
    network_id = network['id']
    with engine.reader() as session:
        held = _held(session, instance_uuid)
        if held:
            return network_info_of(_ip_dict(held[0]))
    for _attempt in range(_MAX_ATTEMPTS):
        with engine.writer() as session:
            _lock_network(session, network_id)
            held = _held(session, instance_uuid)
            if held:
                return network_info_of(_ip_dict(held[0]))
            claimed = _claim(session, network_id, instance_uuid)
            if claimed is not None:
                network_info = network_info_of(claimed)
                _cache_network_info(session, instance_uuid, network_info)
                return network_info
        # Only a writer that skips the network lock (an operator's UPDATE)
        # can take the row between our SELECT and UPDATE.
        LOG.debug("Lost the race for a fixed IP for %s; retrying", instance_uuid)
    raise NoMoreFixedIps(network=network_id)


def _release_rows(session, *criteria):
    return session.execute(
        sa.update(_IP).where(*criteria)
        .values(instance_uuid=None, port_id=None, mac_address=None, allocated_at=None)
    ).rowcount


@engine.retry_on_deadlock
def fixed_ip_release(instance_uuid):
    """Free every address ``instance_uuid`` holds; returns how many. Idempotent."""
    with engine.writer() as session:
        released = _release_rows(session, _IP.instance_uuid == instance_uuid)
        _cache_network_info(session, instance_uuid, [])
        return released


def network_info_get(instance_uuid):
    """The instance's network info cache; ``[]`` if it holds no address or is gone."""
    with engine.reader() as session:
        cached = session.execute(sa.select(_INSTANCES.c.network_info)
                                 .where(_INSTANCES.c.uuid == instance_uuid)).scalar()
    return json.loads(cached) if cached else []


def fixed_ip_holder(address):
    """The uuid of the instance holding fixed IP ``address``, or None."""
    with engine.reader() as session:
        return session.execute(sa.select(_IP.instance_uuid).where(
            _IP.address == address, _IP.instance_uuid.is_not(None))).scalars().first()
