"""Asking a compute host for a console endpoint or diagnostics, across versions."""

from unittest import mock

import pytest

from novalite import context, exception
from novalite.compute import rpcapi

INSTANCE = {'uuid': 'u', 'host': 'h1', 'name': 'instance-u'}


def _ask(conf, console_type, cap=None):
    conf.set_override('compute', cap, group='upgrade_levels')
    api = rpcapi.ComputeAPI()
    call_context = type(api.client.prepare())
    with mock.patch.object(rpcapi.objects.Instance, 'coerce', side_effect=lambda i: i), \
            mock.patch.object(call_context, 'call', return_value={'host': 'h', 'port': 1}) \
            as call:
        api.get_console_endpoint(context.get_admin_context(), INSTANCE, console_type)
    return call


@pytest.mark.parametrize('console_type, method', [('novnc', 'get_vnc_console'),
                                                  ('serial', 'get_serial_console')])
def test_console_endpoints_are_a_call_to_the_instances_host(conf, console_type, method):
    assert _ask(conf, console_type).call_args.args[1] == method


def test_a_host_capped_below_1_3_has_no_consoles_to_give(conf):
    with pytest.raises(exception.ConsoleTypeUnavailable):
        _ask(conf, 'novnc', cap='1.2')


def test_diagnostics_from_a_host_capped_below_1_6_are_not_supported(conf):
    conf.set_override('compute', '1.5', group='upgrade_levels')
    with pytest.raises(exception.InstanceDiagnosticsNotSupported):
        rpcapi.ComputeAPI().get_instance_diagnostics(context.get_admin_context(), INSTANCE)
