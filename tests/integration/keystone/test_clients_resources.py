"""The real clients on quotas, server groups, aggregates, migrations, hosts and the
usage audit log through Keystone; and ``openstack server create --image NAME``,
which resolves the name in the catalog's image service (novalite-image-api)."""

import datetime
import os
import subprocess
import uuid

import openstack
import pytest
import sqlalchemy as sa
from novaclient import client as nova_client

from novalite.db import models
from tests.integration.cloud import BIN
from tests.integration.keystone.conftest import os_environ
from tests.integration.keystone.test_clients import _openstack, _openstack_no_output, _session

pytestmark = pytest.mark.integration

_MEMBER = ('alpha-member', 'alpha')
_ADMIN = ('admin', 'admin')


@pytest.fixture(scope='module')
def migration(keystone_cloud):
    """A finished resize record in the cloud's database, as the moves leave them."""
    engine = sa.create_engine(keystone_cloud.db_url)
    record = {'uuid': str(uuid.uuid4()), 'instance_uuid': str(uuid.uuid4()),
              'source_compute': 'compute1', 'dest_compute': 'compute1',
              'source_node': 'compute1', 'dest_node': 'compute1', 'status': 'confirmed',
              'migration_type': 'resize', 'old_instance_type_id': 1, 'new_instance_type_id': 1,
              'user_id': 'u1', 'project_id': 'p1', 'hidden': False, 'cross_cell_move': False,
              'created_at': datetime.datetime(2026, 1, 1), 'deleted': 0}
    table = models.Migration.__table__
    with engine.begin() as conn:
        conn.execute(table.insert().values(**record))
    yield record
    with engine.begin() as conn:
        conn.execute(table.delete().where(table.c.uuid == record['uuid']))
    engine.dispose()


# --- openstack CLI -----------------------------------------------------------

def test_cli_creates_a_server_from_an_image_name_found_in_the_catalog(keystone, keystone_cloud):
    as_member = (keystone, *_MEMBER)
    images = _openstack(*as_member, 'image', 'list')
    assert 'test-image' in [image['Name'] for image in images]
    server = _openstack(*as_member, '--os-compute-api-version', '2.37', 'server', 'create',
                        '--image', 'test-image', '--flavor', 'small', '--no-network',
                        '--wait', 'by-name')
    try:
        assert server['status'] == 'ACTIVE'
        shown = _openstack(*as_member, 'server', 'show', server['id'])
        assert keystone_cloud.image_id in str(shown['image'])
    finally:
        _openstack_no_output(*as_member, 'server', 'delete', '--wait', server['id'])


def test_cli_sets_and_shows_a_projects_quota(keystone, keystone_cloud):
    as_admin = (keystone, *_ADMIN)
    _openstack_no_output(*as_admin, 'quota', 'set', '--instances', '7', '--server-groups',
                         '4', 'alpha')
    try:
        shown = _openstack(*as_admin, 'quota', 'show', '--compute', 'alpha')
        values = {row['Resource']: row['Limit'] for row in shown} \
            if isinstance(shown, list) else shown
        assert values['instances'] == 7 and values['server-groups'] == 4
    finally:
        _openstack_no_output(*as_admin, 'quota', 'set', '--instances', '10',
                             '--server-groups', '10', 'alpha')


def test_cli_creates_lists_and_deletes_a_server_group(keystone, keystone_cloud):
    as_member = (keystone, *_MEMBER)
    group = _openstack(*as_member, 'server', 'group', 'create', '--policy', 'anti-affinity',
                       'cli-group')
    try:
        assert group['name'] == 'cli-group'
        assert group['id'] in [g['ID'] for g in _openstack(*as_member, 'server', 'group',
                                                           'list')]
    finally:
        _openstack_no_output(*as_member, 'server', 'group', 'delete', group['id'])


def test_cli_builds_an_aggregate_with_a_zone_and_a_host(keystone, keystone_cloud):
    as_admin = (keystone, *_ADMIN)
    aggregate = _openstack(*as_admin, 'aggregate', 'create', '--zone', 'cli-az', 'cli-agg')
    try:
        _openstack(*as_admin, 'aggregate', 'add', 'host', 'cli-agg', 'compute1')
        shown = _openstack(*as_admin, 'aggregate', 'show', 'cli-agg')
        assert (shown['availability_zone'], shown['hosts']) == ('cli-az', ['compute1'])
        _openstack(*as_admin, 'aggregate', 'remove', 'host', 'cli-agg', 'compute1')
    finally:
        _openstack_no_output(*as_admin, 'aggregate', 'delete', str(aggregate['id']))


def test_cli_lists_migrations_for_admins_only(keystone, keystone_cloud, migration):
    listed = _openstack(keystone, *_ADMIN, 'server', 'migration', 'list')
    [row] = [m for m in listed if m['Server UUID'] == migration['instance_uuid']]
    assert (row['Status'], row['Type']) == ('confirmed', 'resize')
    done = subprocess.run([os.path.join(BIN, 'openstack'), 'server', 'migration', 'list'],
                          env=os_environ(keystone, *_MEMBER), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and 'os_compute_api:os-migrations:index' in done.stderr


# --- openstacksdk ------------------------------------------------------------

def test_sdk_quotas_groups_aggregates_and_migrations(keystone, keystone_cloud, migration):
    admin = openstack.connection.Connection(session=_session(keystone, *_ADMIN))
    member = openstack.connection.Connection(session=_session(keystone, *_MEMBER))
    project = admin.identity.find_project('alpha')
    admin.compute.update_quota_set(project.id, key_pairs=33)
    try:
        assert admin.compute.get_quota_set(project.id).key_pairs == 33
    finally:
        admin.compute.revert_quota_set(project.id)
    group = member.compute.create_server_group(name='sdk-group', policy='affinity')
    try:
        assert group.id in [g.id for g in member.compute.server_groups()]
    finally:
        member.compute.delete_server_group(group)
    aggregate = admin.compute.create_aggregate(name='sdk-agg', availability_zone='sdk-az')
    try:
        admin.compute.add_host_to_aggregate(aggregate, 'compute1')
        assert admin.compute.get_aggregate(aggregate).hosts == ['compute1']
        admin.compute.remove_host_from_aggregate(aggregate, 'compute1')
    finally:
        admin.compute.delete_aggregate(aggregate)
    # The SDK negotiates novalite's maximum: the record's uuid shows only from 2.59.
    assert migration['instance_uuid'] in [m.server_id for m in admin.compute.migrations()]


# --- python-novaclient -------------------------------------------------------

def test_novaclient_migrations_hosts_audit_log_groups_and_quotas(
        keystone, keystone_cloud, migration):
    admin = nova_client.Client('2.37', session=_session(keystone, *_ADMIN))
    member = nova_client.Client('2.37', session=_session(keystone, *_MEMBER))
    assert migration['instance_uuid'] in [m.instance_uuid for m in admin.migrations.list()]
    # novaclient dropped its os-hosts manager; its HTTP client still reaches the route.
    _resp, body = admin.client.get('/os-hosts')
    assert {'host_name': 'compute1', 'service': 'compute', 'zone': 'nova'} in body['hosts']
    report = admin.instance_usage_audit_log.get()
    assert report.num_hosts == 1 and report.hosts_not_run == ['compute1']
    group = member.server_groups.create(name='nova-group', policies=['anti-affinity'])
    try:
        assert group.id in [g.id for g in member.server_groups.list()]
    finally:
        member.server_groups.delete(group.id)
    alpha = openstack.connection.Connection(
        session=_session(keystone, *_ADMIN)).identity.find_project('alpha').id
    admin.quotas.update(alpha, metadata_items=99)
    try:
        assert admin.quotas.get(alpha).metadata_items == 99
    finally:
        admin.quotas.delete(alpha)
