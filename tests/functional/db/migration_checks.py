"""Checks of the alembic migrations that every database backend's tests run."""

import uuid

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from novalite.db import engine, instances, migration, models
from tests.integration.conftest import make_database


def schema_diff():
    with engine.get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={'compare_type': True})
        return compare_metadata(context, models.Base.metadata)


def _rows_at_0001(connection):
    """An instance with metadata, holding a fixed IP, written at revision 0001."""
    tables = sa.MetaData()
    tables.reflect(connection, only=['instances', 'instance_metadata', 'networks', 'fixed_ips'])
    instance = str(uuid.uuid4())
    connection.execute(tables.tables['instances'].insert().values(
        uuid=instance, flavor='{}', memory_mb=512, vcpus=1, root_gb=1, ephemeral_gb=0,
        swap=0, vm_state='active', power_state=1, system_metadata='{}', launch_index=0,
        locked=False, progress=0, deleted=0, created_at=models.utcnow()))
    connection.execute(tables.tables['instance_metadata'].insert(), [
        {'instance_uuid': instance, 'key': 'role', 'value': 'web'},
        {'instance_uuid': instance, 'key': 'tier', 'value': 'front'}])
    network = connection.execute(tables.tables['networks'].insert().values(
        uuid=str(uuid.uuid4()), label='private', cidr='10.0.0.0/24', gateway='10.0.0.1',
        dns1='10.0.0.2', bridge='br100', mtu=1500, created_at=models.utcnow())
    ).inserted_primary_key[0]
    connection.execute(tables.tables['fixed_ips'].insert().values(
        network_id=network, address='10.0.0.5', instance_uuid=instance,
        port_id='0123456789abcdef', mac_address='fa:16:3e:00:00:05'))
    return instance


def check_upgrade_to_0002(kind, tmp_path):
    """Metadata rows move into the JSON column; the network info cache is filled."""
    url, drop = make_database(kind, tmp_path)
    try:
        engine.configure(url)
        migration.db_sync('0001')
        with engine.get_engine().begin() as connection:
            instance_uuid = _rows_at_0001(connection)
        migration.db_sync()
        instance = instances.instance_get(instance_uuid)
        assert instance['metadata'] == {'role': 'web', 'tier': 'front'}
        [vif] = instance['network_info']
        assert vif['network']['label'] == 'private' and vif['devname'] == 'tap0123456789a'
        assert vif['ips'] == [{'address': '10.0.0.5', 'version': 4}]
        assert vif['address'] == 'fa:16:3e:00:00:05'
        assert 'instance_metadata' not in sa.inspect(engine.get_engine()).get_table_names()
    finally:
        engine.configure('sqlite://')
        drop()
