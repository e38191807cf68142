"""Bridge and tap handling: the ip commands issued (no host network is touched)."""

from unittest import mock

import pytest
from oslo_concurrency import processutils

from novalite.virt.libvirt import vif
from tests.unit.virt.libvirt.samples import make_vif


class FakeIp:
    """Records ip commands; ``existing`` devices answer ``ip link show``."""

    def __init__(self, existing=()):
        self.existing = set(existing)
        self.calls = []

    def __call__(self, *cmd, check_exit_code=True):
        self.calls.append(cmd)
        if cmd[1:3] == ('link', 'show'):
            exists = cmd[-1] in self.existing
            return ('', '' if exists else f'Device "{cmd[-1]}" does not exist.')
        if cmd[1:3] == ('link', 'add'):
            self.existing.add(cmd[3])
        return ('', '')


@pytest.fixture
def fake_ip():
    fake = FakeIp()
    with mock.patch.object(processutils, 'execute', fake):
        yield fake


def test_plug_creates_bridge_with_gateway_and_brings_it_up(fake_ip, conf):
    vif.plug(make_vif(), conf)
    assert ('ip', 'link', 'add', 'br100', 'type', 'bridge') in fake_ip.calls
    assert ('ip', 'addr', 'replace', '10.250.0.1/24', 'dev', 'br100') in fake_ip.calls
    assert ('ip', 'link', 'set', 'dev', 'br100', 'mtu', '1400') in fake_ip.calls
    assert fake_ip.calls[-1] == ('ip', 'link', 'set', 'dev', 'br100', 'up')


def test_plug_of_existing_bridge_does_not_add_it_again(fake_ip, conf):
    fake_ip.existing.add('br100')
    vif.plug(make_vif(), conf)
    assert not [c for c in fake_ip.calls if c[1:3] == ('link', 'add')]


def test_gateway_stays_off_the_host_when_disabled(fake_ip, conf):
    conf.set_override('bridge_gateway_on_host', False, group='network')
    vif.plug(make_vif(), conf)
    assert not [c for c in fake_ip.calls if c[1] == 'addr']


def test_uplink_interface_is_enslaved(fake_ip, conf):
    conf.set_override('bridge_interface', 'eth1', group='network')
    vif.plug(make_vif(), conf)
    assert ('ip', 'link', 'set', 'dev', 'eth1', 'master', 'br100') in fake_ip.calls


def test_lost_race_to_create_the_bridge_is_fine(conf):
    def execute(*cmd, check_exit_code=True):
        if cmd[1:3] == ('link', 'show'):
            return ('', 'Device "br100" does not exist.')
        if cmd[1:3] == ('link', 'add'):
            raise processutils.ProcessExecutionError(
                exit_code=2, stderr='RTNETLINK answers: File exists')
        return ('', '')

    with mock.patch.object(processutils, 'execute', execute):
        vif.plug(make_vif(), conf)


def test_unplug_deletes_a_leftover_tap_only(fake_ip):
    item = make_vif()
    vif.unplug(item)
    assert not [c for c in fake_ip.calls if c[2] == 'del']
    fake_ip.existing.add(item['devname'])
    vif.unplug(item)
    assert ('ip', 'link', 'del', 'dev', item['devname']) in fake_ip.calls
