"""The conductor's rebuild task: a rebuild goes to the server's host, an evacuation is placed."""

from unittest import mock

import pytest

from novalite import context, exception
from novalite.conductor import rebuild
from novalite.db import actions, instances, server_migrations
from tests.functional.api.conftest import make_instance


@pytest.fixture
def evacuee(db):
    instance = make_instance(task_state='rebuilding')
    migration = server_migrations.migration_create(instance, 'evacuation', status='accepted')
    return instance, migration


def _task(scheduler):
    return rebuild.RebuildTask(scheduler, mock.Mock())


def test_a_rebuild_goes_straight_to_the_servers_host(db):
    instance = make_instance(task_state='rebuilding')
    task = _task(mock.Mock())
    task.rebuild_instance(context.get_admin_context(), instance, 'old', 'new', [], 'pw')
    task.scheduler.select_destinations.assert_not_called()
    call = task.compute.rebuild_instance.call_args
    assert call.args[1] == 'host1' and call.kwargs['image_ref'] == 'new'


def test_an_evacuation_is_placed_away_from_its_host_and_sent_to_the_destination(evacuee):
    instance, migration = evacuee
    scheduler = mock.Mock()
    scheduler.select_destinations.return_value = [[{'host': 'host2', 'nodename': 'node2'}]]
    task = _task(scheduler)
    task.rebuild_instance(context.get_admin_context(), instance, 'img', 'img', [], 'pw',
                          recreate=True, migration=migration)
    spec = scheduler.select_destinations.call_args.args[1]
    assert spec['ignore_hosts'] == ['host1']
    call = task.compute.rebuild_instance.call_args
    assert (call.args[1], call.kwargs['recreate'], call.kwargs['scheduled_node']) == (
        'host2', True, 'node2')
    stored = server_migrations.migration_get(migration['uuid'])
    assert (stored['dest_compute'], stored['status']) == ('host2', 'pre-migrating')


def test_an_evacuation_forced_to_a_host_skips_the_filters(evacuee):
    instance, migration = evacuee
    scheduler = mock.Mock()
    scheduler.select_destinations.return_value = [[{'host': 'host2', 'nodename': 'node2'}]]
    _task(scheduler).rebuild_instance(context.get_admin_context(), instance, 'img', 'img', [],
                                      'pw', recreate=True, host='host2', force=True,
                                      migration=migration)
    spec = scheduler.select_destinations.call_args.args[1]
    assert spec['force_hosts'] == ['host2'] and spec['requested_host'] is None


def test_an_evacuation_without_a_destination_ends_in_error_with_a_fault(evacuee):
    instance, migration = evacuee
    scheduler = mock.Mock()
    scheduler.select_destinations.side_effect = exception.NoValidHost(reason='none left')
    task = _task(scheduler)
    task.rebuild_instance(context.get_admin_context(), instance, 'img', 'img', [], 'pw',
                          recreate=True, migration=migration)
    task.compute.rebuild_instance.assert_not_called()
    stored = instances.instance_get(instance['uuid'])
    assert (stored['vm_state'], stored['task_state'], stored['host']) == ('error', None,
                                                                         'host1')
    assert server_migrations.migration_get(migration['uuid'])['status'] == 'error'
    fault = actions.faults_get_latest([instance['uuid']])[instance['uuid']]
    assert 'none left' in fault['message']
