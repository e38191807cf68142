"""POST /servers/{id}/action {"trigger_crash_dump": null} (2.17)."""

from unittest import mock

import pytest

from novalite.api import servers
from novalite.compute import rpcapi as compute_rpcapi
from novalite.db import actions as db_actions
from tests.functional.api.conftest import make_instance

BODY = {'trigger_crash_dump': None}


@pytest.fixture
def casts():
    with mock.patch.object(compute_rpcapi.ComputeAPI, '_cast') as cast:
        yield cast


def _dump(api, server, version='2.17'):
    return api.at(version).post(f"/servers/{server['uuid']}/action", BODY)


def test_crash_dump_casts_to_the_host_and_records_the_action(api, db, casts):
    server = make_instance()
    resp = _dump(api, server)
    assert resp.status_int == 202
    assert casts.call_args.args[1:3] == ('host1', 'trigger_crash_dump')
    [action] = db_actions.actions_get(server['uuid'])
    assert action['action'] == 'trigger_crash_dump'


def test_crash_dump_does_not_exist_before_2_17(api, db, casts):
    assert _dump(api, make_instance(), version='2.16').status_int == 404
    casts.assert_not_called()


def test_crash_dump_of_a_stopped_server_is_a_conflict(api, db, casts):
    resp = _dump(api, make_instance(vm_state='stopped'))
    assert resp.status_int == 409
    assert "Cannot 'trigger_crash_dump' instance" in resp.json['conflictingRequest']['message']
    casts.assert_not_called()


def test_crash_dump_of_a_locked_server_is_a_conflict_for_its_owner(api, db, casts):
    assert _dump(api, make_instance(locked=True)).status_int == 409
    casts.assert_not_called()


def test_crash_dump_to_a_host_capped_below_1_5_is_not_supported_and_records_nothing(
        api, db, conf, casts, monkeypatch):
    conf.set_override('compute', '1.4', group='upgrade_levels')
    monkeypatch.setattr(servers.COMPUTE, '_compute_rpcapi', None)
    server = make_instance()
    resp = _dump(api, server)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'Triggering crash dump is not supported'
    assert db_actions.actions_get(server['uuid']) == []
