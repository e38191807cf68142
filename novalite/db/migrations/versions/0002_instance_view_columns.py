"""Instance metadata and the network info cache become columns of instances.

A server's user metadata moves from ``instance_metadata`` rows to a JSON
``user_metadata`` column, and the addresses it holds are cached as JSON
``network_info``, so that reading a server, or a page of them, is one row
each. The cache is filled from the fixed IPs instances hold now; the vif
shape is written out here as it is at this revision.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:05:00
"""

import ipaddress
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_instances = sa.table(
    "instances", sa.column("uuid", sa.String), sa.column("user_metadata", sa.Text),
    sa.column("network_info", sa.Text))
_metadata = sa.table(
    "instance_metadata", sa.column("instance_uuid", sa.String), sa.column("key", sa.String),
    sa.column("value", sa.String))
_fixed_ips = sa.table(
    "fixed_ips", sa.column("id", sa.Integer), sa.column("network_id", sa.Integer),
    sa.column("address", sa.String), sa.column("instance_uuid", sa.String),
    sa.column("port_id", sa.String), sa.column("mac_address", sa.String))
_networks = sa.table(
    "networks", sa.column("id", sa.Integer), sa.column("uuid", sa.String),
    sa.column("label", sa.String), sa.column("cidr", sa.String),
    sa.column("gateway", sa.String), sa.column("dns1", sa.String),
    sa.column("dns2", sa.String), sa.column("bridge", sa.String), sa.column("mtu", sa.Integer))


def upgrade():
    with op.batch_alter_table("instances") as batch:
        batch.add_column(sa.Column("user_metadata", sa.Text(), nullable=False,
                                   server_default="{}"))
        batch.add_column(sa.Column("network_info", sa.Text(), nullable=False,
                                   server_default="[]"))
    connection = op.get_bind()
    _fill(connection, "user_metadata", _metadata_by_instance(connection))
    _fill(connection, "network_info", _network_info_by_instance(connection))
    with op.batch_alter_table("instances") as batch:
        batch.alter_column("user_metadata", server_default=None, existing_type=sa.Text(),
                           existing_nullable=False)
        batch.alter_column("network_info", server_default=None, existing_type=sa.Text(),
                           existing_nullable=False)
    op.drop_table("instance_metadata")


def _fill(connection, column, values_by_uuid):
    for uuid, values in values_by_uuid.items():
        connection.execute(_instances.update().where(_instances.c.uuid == uuid)
                           .values({column: json.dumps(values)}))


def _metadata_by_instance(connection):
    found = {}
    for uuid, key, value in connection.execute(
            sa.select(_metadata.c.instance_uuid, _metadata.c.key, _metadata.c.value)):
        found.setdefault(uuid, {})[key] = value
    return found


def _network_info_by_instance(connection):
    found = {}
    rows = connection.execute(
        sa.select(_fixed_ips, _networks).join(_networks, _networks.c.id == _fixed_ips.c.network_id)
        .where(_fixed_ips.c.instance_uuid.is_not(None)).order_by(_fixed_ips.c.id)).mappings()
    for row in rows:
        found.setdefault(row["instance_uuid"], []).append(_vif(row))
    return found


def _vif(row):
    return {"id": row["port_id"], "address": row["mac_address"],
            "devname": "tap" + row["port_id"][:11], "bridge": row["bridge"],
            "network": {"id": row["uuid"], "label": row["label"], "cidr": row["cidr"],
                        "gateway": row["gateway"],
                        "dns": [dns for dns in (row["dns1"], row["dns2"]) if dns],
                        "mtu": row["mtu"]},
            "ips": [{"address": row["address"],
                     "version": ipaddress.ip_address(row["address"]).version}]}
