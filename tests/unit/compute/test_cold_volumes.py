"""Volumes that follow a cold move: the host the guest leaves lets go of each volume
(the server keeps it, reserved), the host it arrives on connects it, records
it and completes its attachment once the guest is defined there."""

import pytest

from novalite.compute import cold_volumes
from tests.unit.compute.volume_fakes import Attachments, HostVolumes, Mappings, attached_volume

CTX = None
INSTANCE = {'uuid': 'i-1'}


@pytest.fixture
def attachments():
    return Attachments()


@pytest.fixture
def mappings(attachments):
    return Mappings(attached_volume(attachments, 'v1', 'src'),
                    {'uuid': 'b-root', 'volume_id': None, 'attachment_id': None,
                     'device_name': '/dev/vda', 'connection_info': None})


def _source(mappings, attachments):
    driver = HostVolumes('src')
    driver.connected = {bdm['volume_id']: bdm['connection_info']
                        for bdm in mappings.bdms.values() if bdm['connection_info']}
    return cold_volumes.ColdVolumes(driver, mappings, attachments)


def _dest(mappings, attachments):
    return cold_volumes.ColdVolumes(HostVolumes('dst'), mappings, attachments)


def test_the_host_the_guest_leaves_keeps_the_volume_reserved_for_the_server_on_no_host(
        mappings, attachments):
    source = _source(mappings, attachments)
    old = mappings.bdms['b-v1']['attachment_id']
    source.release(CTX, INSTANCE)
    bdm = mappings.bdms['b-v1']
    assert attachments.of('v1') == [(None, 'reserved')]
    assert bdm['attachment_id'] != old and bdm['connection_info'] is None
    assert source.driver.connected == {}


def test_the_host_the_guest_arrives_on_connects_records_and_completes_after_the_guest(
        mappings, attachments):
    _source(mappings, attachments).release(CTX, INSTANCE)
    dest = _dest(mappings, attachments)
    with dest.arrive(CTX, INSTANCE) as disks:
        assert disks == ["<disk serial='v1' host='dst'/>"]
        # Not in use until the guest is there.
        assert attachments.of('v1') == [('dst', 'attaching')]
    assert attachments.of('v1') == [('dst', 'attached')]
    info = mappings.bdms['b-v1']['connection_info']
    assert info['serial'] == 'v1' and info['data']['volume_id'] == 'v1'
    assert info['data']['initiator_seen'] == 'iqn.x:dst'
    assert dest.driver.connected == {'v1': info}


def test_a_guest_that_cannot_be_defined_leaves_no_connection_and_nothing_recorded(
        mappings, attachments):
    _source(mappings, attachments).release(CTX, INSTANCE)
    dest = _dest(mappings, attachments)
    with pytest.raises(RuntimeError, match='no domain'):
        with dest.arrive(CTX, INSTANCE):
            raise RuntimeError('no domain')
    assert dest.driver.connected == {}
    assert mappings.bdms['b-v1']['connection_info'] is None
    assert attachments.of('v1') == [('dst', 'attaching')]


def test_a_volume_that_cannot_connect_undoes_the_ones_connected_before_it(attachments):
    first = attached_volume(attachments, 'v1', 'src')
    second = dict(attached_volume(attachments, 'v2', 'src'), device_name='/dev/vdc')
    mappings = Mappings(first, second)
    _source(mappings, attachments).release(CTX, INSTANCE)
    dest = _dest(mappings, attachments)
    connect = dest.driver.connect_volume

    def refuse_v2(info, mountpoint):
        if info['serial'] == 'v2':
            raise RuntimeError('login refused')
        return connect(info, mountpoint)
    dest.driver.connect_volume = refuse_v2
    with pytest.raises(RuntimeError, match='login refused'):
        with dest.arrive(CTX, INSTANCE):
            pytest.fail('the guest is never defined without its volumes')
    assert dest.driver.connected == {}
    assert [bdm['connection_info'] for bdm in mappings.bdms.values()] == [None, None]


def test_a_server_without_volumes_asks_nothing_of_the_volume_api(attachments):
    mappings = Mappings({'uuid': 'b-root', 'volume_id': None, 'attachment_id': None,
                         'device_name': '/dev/vda', 'connection_info': None})
    host = cold_volumes.ColdVolumes(None, mappings, attachments)
    host.release(CTX, INSTANCE)
    with host.arrive(CTX, INSTANCE) as disks:
        assert disks == []


def test_a_volume_a_failed_move_let_go_is_attached_again_where_the_guest_is_defined_anew(
        mappings, attachments):
    source = _source(mappings, attachments)
    source.release(CTX, INSTANCE)
    bdms, reattached = source.reattach(CTX, INSTANCE, mappings.bdm_get_by_instance(CTX, 'i-1'))
    [volume] = [bdm for bdm in bdms if bdm['volume_id'] == 'v1']
    assert volume['connection_info']['data']['initiator_seen'] == 'iqn.x:src'
    assert attachments.of('v1') == [('src', 'attaching')]
    source.complete(CTX, reattached)
    assert attachments.of('v1') == [('src', 'attached')]


def test_volumes_still_connected_are_left_as_they_are_by_a_reattach(mappings, attachments):
    source = _source(mappings, attachments)
    before = mappings.bdm_get_by_instance(CTX, 'i-1')
    assert source.reattach(CTX, INSTANCE, before) == (before, [])
    assert attachments.of('v1') == [('src', 'attached')]
