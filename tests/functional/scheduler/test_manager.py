"""SchedulerManager served over RPC (fake transport) and called through SchedulerAPI."""

import oslo_messaging as messaging
import pytest

from novalite import context, exception, rpc
from novalite.scheduler import manager as scheduler_manager
from novalite.scheduler import rpcapi
from tests.functional.scheduler.conftest import add_host, make_spec, new_uuid


@pytest.fixture
def scheduler_api(db):
    manager = scheduler_manager.SchedulerManager('sched1')
    manager.init_host(context.get_admin_context())
    # The daemons serve with the eventlet executor; this test process is not
    # monkey patched, so it serves with native threads.
    server = messaging.get_rpc_server(
        rpc.init(), messaging.Target(topic=rpcapi.TOPIC, server='sched1'), [manager],
        executor='threading', serializer=rpc.RequestContextSerializer(),
        access_policy=messaging.DefaultRPCAccessPolicy)
    server.start()
    yield rpcapi.SchedulerAPI()
    server.stop()
    server.wait()


def test_select_destinations_over_rpc(scheduler_api):
    node = add_host('host1')
    selections = scheduler_api.select_destinations(context.get_admin_context(), make_spec(),
                                                   [new_uuid()])
    assert selections[0][0]['compute_node_id'] == node['id']


def test_no_valid_host_crosses_rpc_as_itself(scheduler_api):
    add_host('host1', memory_mb=512)
    with pytest.raises(exception.NoValidHost, match='ResourceFilter removed 1 of 1 hosts'):
        scheduler_api.select_destinations(context.get_admin_context(), make_spec(),
                                          [new_uuid()])


def test_periodic_task_refreshes_host_states(db):
    manager = scheduler_manager.SchedulerManager('sched1')
    manager.init_host(context.get_admin_context())
    add_host('late')
    manager.run_periodic_tasks(context.get_admin_context())
    assert [state.host for state in manager.driver.host_manager._states.values()] == ['late']
