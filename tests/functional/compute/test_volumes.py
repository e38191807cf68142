"""Attach and detach on a compute host (fake hypervisor) against the real volume API.

The compute side's Cinder client talks HTTP to the Block Storage app loaded
from the paste file, in process; the conductor is called directly. What the
tests assert is what a user would see: the volume's status, the server's
mappings, the fault of a failed attach.
"""

import io
import threading
from unittest import mock

import pytest
import requests
import webob

from novalite import context, exception
from novalite.api import app as api_app
from novalite.compute import attach, live_volumes
from novalite.db import actions, block_device_mappings, instances, server_migrations
from novalite.db import volumes as db_volumes
from novalite.virt import fake
from novalite.volume import cinder
from novalite.volume import manager as volume_manager
from tests.functional.compute.test_manager import _build, _instance, compute  # noqa: F401


class WSGIAdapter(requests.adapters.BaseAdapter):
    """requests' transport into a WSGI app, without a socket."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, **kwargs):
        req = webob.Request.blank(request.path_url, method=request.method,
                                  headers=dict(request.headers))
        if request.body:
            req.body = request.body if isinstance(request.body, bytes) \
                else request.body.encode()
        resp = req.get_response(self.app)
        response = requests.Response()
        response.status_code = resp.status_int
        response.headers.update(resp.headers)
        response.raw = io.BytesIO(resp.body)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def ctx():
    return context.RequestContext(user_id='u', project_id='p', auth_token='u:p')


@pytest.fixture
def volume_api(conf, db):
    conf.set_override('volume_driver', 'fake', group='volume')
    api = cinder.API()
    api.session.mount('http://', WSGIAdapter(api_app.load_app(conf, name='osapi_volume')))
    return api


@pytest.fixture
def server(compute, ctx, volume_api):  # noqa: F811
    compute.volumes.volume_api = volume_api
    compute.volumes.conductor = compute.conductor
    return _build(compute, ctx, _instance(ctx))


@pytest.fixture
def volume_id(volume_api, ctx, conf):
    created = volume_api.create(ctx, 1, 'data')
    volume_manager.VolumeManager(conf.host).create_volume(ctx, created['id'])
    return created['id']


def _attach(compute, ctx, server, volume_id, volume_api):  # noqa: F811
    bdm = attach.attach(ctx, mock.Mock(), server, volume_id, volume_api=volume_api)
    compute.attach_volume(ctx, server, bdm)
    compute.tasks.waitall()
    return bdm


def test_attach_leaves_the_volume_in_use_and_the_guest_with_the_disk(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    assert volume_api.get(ctx, volume_id)['status'] == 'in-use'
    (bdm,) = block_device_mappings.bdm_get_by_instance(server['uuid'])
    assert bdm['device_name'] == '/dev/vdb'
    assert bdm['connection_info']['driver_volume_type'] == 'iscsi'
    assert compute.driver.guests[server['uuid']]['volumes'] == {'/dev/vdb': volume_id}


def test_detach_frees_the_volume_and_forgets_the_mapping(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    _detach(compute, ctx, server, volume_id, volume_api)
    assert volume_api.get(ctx, volume_id)['status'] == 'available'
    assert block_device_mappings.bdm_get_by_instance(server['uuid']) == []
    assert compute.driver.guests[server['uuid']]['volumes'] == {}


def _detach(compute, ctx, server, volume_id, volume_api):  # noqa: F811
    rpc = mock.Mock()
    attach.detach(ctx, rpc, server, volume_id, volume_api=volume_api)
    assert volume_api.get(ctx, volume_id)['status'] == 'detaching'
    compute.detach_volume(ctx, server, rpc.detach_volume.call_args.args[2])
    compute.tasks.waitall()


def test_a_second_detach_while_one_is_under_way_is_refused(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    rpc = mock.Mock()
    attach.detach(ctx, rpc, server, volume_id, volume_api=volume_api)
    with pytest.raises(exception.InvalidVolume, match="must be 'in-use'"):
        attach.detach(ctx, rpc, server, volume_id, volume_api=volume_api)
    assert rpc.detach_volume.call_count == 1


def test_a_failed_detach_leaves_the_volume_in_use_and_a_fault(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    with mock.patch.object(compute.driver, 'detach_volume',
                           side_effect=exception.NovaliteException('guest kept the disk')):
        _detach(compute, ctx, server, volume_id, volume_api)
    assert volume_api.get(ctx, volume_id)['status'] == 'in-use'
    assert len(block_device_mappings.bdm_get_by_instance(server['uuid'])) == 1
    fault = actions.faults_get_latest([server['uuid']])[server['uuid']]
    assert 'guest kept the disk' in fault['message']
    # Detachable again.
    _detach(compute, ctx, server, volume_id, volume_api)
    assert volume_api.get(ctx, volume_id)['status'] == 'available'


def test_a_detach_asked_while_attaching_is_refused_and_the_attach_goes_on(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    rpc = mock.Mock()
    bdm = attach.attach(ctx, rpc, server, volume_id, volume_api=volume_api)
    with pytest.raises(exception.InvalidVolume, match="must be 'in-use'"):
        attach.detach(ctx, rpc, server, volume_id, volume_api=volume_api)
    rpc.detach_volume.assert_not_called()
    compute.attach_volume(ctx, server, bdm)
    compute.tasks.waitall()
    assert volume_api.get(ctx, volume_id)['status'] == 'in-use'
    assert compute.driver.guests[server['uuid']]['volumes'] == {'/dev/vdb': volume_id}


def test_a_detach_whose_mapping_was_read_before_the_attach_completed_removes_the_disk(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    # The API reads the mapping, then marks the volume detaching: an attach
    # completing in between makes the cast's mapping one without connection_info.
    bdm = attach.attach(ctx, mock.Mock(), server, volume_id, volume_api=volume_api)
    begin_detaching = volume_api.begin_detaching

    def attach_completes_first(*args):
        compute.attach_volume(ctx, server, bdm)
        compute.tasks.waitall()
        return begin_detaching(*args)
    rpc = mock.Mock()
    with mock.patch.object(volume_api, 'begin_detaching', attach_completes_first):
        attach.detach(ctx, rpc, server, volume_id, volume_api=volume_api)
    assert rpc.detach_volume.call_args.args[2]['connection_info'] is None
    compute.detach_volume(ctx, server, rpc.detach_volume.call_args.args[2])
    compute.tasks.waitall()
    shown = volume_api.get(ctx, volume_id)
    assert (shown['status'], shown['attachments']) == ('available', [])
    assert block_device_mappings.bdm_get_by_instance(server['uuid']) == []
    assert compute.driver.guests[server['uuid']]['volumes'] == {}


def test_a_detach_on_a_host_whose_conductor_reads_no_mappings_uses_the_one_sent(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    # A conductor capped below 1.5 answers no mappings (conductor rpcapi).
    _attach(compute, ctx, server, volume_id, volume_api)
    with mock.patch.object(compute.conductor, 'bdm_get_by_instance', return_value=[]):
        _detach(compute, ctx, server, volume_id, volume_api)
    assert volume_api.get(ctx, volume_id)['status'] == 'available'
    assert compute.driver.guests[server['uuid']]['volumes'] == {}


def test_failed_attach_is_undone_and_recorded_as_a_fault(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    with mock.patch.object(compute.driver, 'attach_volume', side_effect=exception.
                           VolumeAttachFailed(volume_id=volume_id, instance_uuid='x',
                                              reason='Authentication failure(513)')):
        _attach(compute, ctx, server, volume_id, volume_api)
    assert volume_api.get(ctx, volume_id)['status'] == 'available'
    assert block_device_mappings.bdm_get_by_instance(server['uuid']) == []
    fault = actions.faults_get_latest([server['uuid']])[server['uuid']]
    assert 'Authentication failure(513)' in fault['message']


def test_a_volume_in_use_cannot_be_attached_to_a_second_server(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    other = _build(compute, ctx, _instance(ctx))
    with pytest.raises(exception.InvalidVolume):
        attach.attach(ctx, mock.Mock(), other, volume_id, volume_api=volume_api)
    assert block_device_mappings.bdm_get_by_instance(other['uuid']) == []


def test_server_delete_deletes_a_volume_marked_delete_on_termination(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    bdm = _attach(compute, ctx, server, volume_id, volume_api)
    block_device_mappings.bdm_update(bdm['uuid'], {'delete_on_termination': True})
    compute.terminate_instance(ctx, server)
    compute.tasks.waitall()
    assert volume_api.get(ctx, volume_id)['status'] == 'deleting'


def test_server_delete_leaves_other_volumes_available(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    compute.terminate_instance(ctx, server)
    compute.tasks.waitall()
    assert volume_api.get(ctx, volume_id)['status'] == 'available'


def test_a_volume_extended_event_grows_the_guest_s_disk_and_the_mapping(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    # The volume grew first, as novalite-volume does before it tells the API.
    db_volumes.volume_update(volume_id, {'size': 3})
    actions.action_start(server['uuid'], 'extend_volume', ctx.request_id)
    compute.external_instance_event(ctx, [server], [
        {'name': 'volume-extended', 'tag': volume_id, 'status': 'completed',
         'instance_uuid': server['uuid']}])
    compute.tasks.waitall()
    assert compute.driver.guests[server['uuid']]['volume_sizes'] == {volume_id: 3 * 1024 ** 3}
    (bdm,) = block_device_mappings.bdm_get_by_instance(server['uuid'])
    assert bdm['volume_size'] == 3
    events = actions.action_get_by_request_id(server['uuid'], ctx.request_id)['events']
    assert [(e['event'], e['result']) for e in events] == [('compute_extend_volume',
                                                           'Success')]


def test_two_concurrent_attaches_of_one_volume_one_wins_one_is_refused(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    other = _build(compute, ctx, _instance(ctx))
    barrier, results = threading.Barrier(2), {}

    def attach_to(target):
        barrier.wait()
        try:
            attach.attach(ctx, mock.Mock(), target, volume_id, volume_api=volume_api)
            results[target['uuid']] = 'attached'
        except exception.InvalidVolume:
            results[target['uuid']] = 'refused'
    threads = [threading.Thread(target=attach_to, args=(s,)) for s in (server, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == ['attached', 'refused']
    mapped = [uuid for uuid in results
              if block_device_mappings.bdm_get_by_instance(uuid)]
    assert mapped == [uuid for uuid, result in results.items() if result == 'attached']
    assert volume_api.get(ctx, volume_id)['status'] == 'reserved'


# A compute host killed mid-attach or mid-detach: its restart settles each volume.

def _restart(compute, ctx):  # noqa: F811
    compute.init_host(ctx)
    compute.tasks.waitall()


def _connect(compute, ctx, server, bdm, volume_api):  # noqa: F811
    """The host's attach steps up to the driver's, as a crash would leave them."""
    info = volume_api.attachment_update(ctx, bdm['attachment_id'],
                                        compute.driver.get_volume_connector(server),
                                        bdm['device_name'])['connection_info']
    info['data'].setdefault('volume_id', bdm['volume_id'])
    compute.driver.attach_volume(ctx, info, server, bdm['device_name'])
    return info


def test_restart_frees_a_volume_whose_attach_never_reached_the_host(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    attach.attach(ctx, mock.Mock(), server, volume_id, volume_api=volume_api)
    assert volume_api.get(ctx, volume_id)['status'] == 'reserved'
    _restart(compute, ctx)
    assert volume_api.get(ctx, volume_id)['status'] == 'available'
    assert block_device_mappings.bdm_get_by_instance(server['uuid']) == []


def test_restart_undoes_a_disk_attached_but_never_recorded(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    bdm = attach.attach(ctx, mock.Mock(), server, volume_id, volume_api=volume_api)
    _connect(compute, ctx, server, bdm, volume_api)
    assert volume_api.get(ctx, volume_id)['status'] == 'attaching'
    _restart(compute, ctx)
    assert volume_api.get(ctx, volume_id)['status'] == 'available'
    assert compute.driver.guests[server['uuid']]['volumes'] == {}
    assert block_device_mappings.bdm_get_by_instance(server['uuid']) == []


def test_restart_completes_an_attach_recorded_but_not_completed(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    bdm = attach.attach(ctx, mock.Mock(), server, volume_id, volume_api=volume_api)
    info = _connect(compute, ctx, server, bdm, volume_api)
    block_device_mappings.bdm_update(bdm['uuid'], {'connection_info': info})
    _restart(compute, ctx)
    assert volume_api.get(ctx, volume_id)['status'] == 'in-use'
    assert compute.driver.guests[server['uuid']]['volumes'] == {'/dev/vdb': volume_id}


def test_restart_finishes_a_detach_cut_short_after_the_guest_let_go(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    bdm = _attach(compute, ctx, server, volume_id, volume_api)
    (bdm,) = block_device_mappings.bdm_get_by_instance(server['uuid'])
    compute.driver.detach_volume(ctx, bdm['connection_info'], server, bdm['device_name'])
    _restart(compute, ctx)
    assert volume_api.get(ctx, volume_id)['status'] == 'available'
    assert block_device_mappings.bdm_get_by_instance(server['uuid']) == []


def test_restart_rolls_back_a_detach_that_never_reached_the_host(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    attach.detach(ctx, mock.Mock(), server, volume_id, volume_api=volume_api)
    _restart(compute, ctx)
    assert volume_api.get(ctx, volume_id)['status'] == 'in-use'
    assert compute.driver.guests[server['uuid']]['volumes'] == {'/dev/vdb': volume_id}
    assert len(block_device_mappings.bdm_get_by_instance(server['uuid'])) == 1


def test_restart_leaves_an_attached_volume_in_use(compute, ctx, server, volume_id,  # noqa: F811
                                                  volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    _restart(compute, ctx)
    assert volume_api.get(ctx, volume_id)['status'] == 'in-use'
    assert len(block_device_mappings.bdm_get_by_instance(server['uuid'])) == 1


# A source host restarted during a live migration of a server with a volume: the
# destination (cpu2) had attached and connected the volume, the source's post
# (or its rollback) never ran.

DEST = 'cpu2'


def _live_migrating(compute, ctx, server, volume_api):  # noqa: F811
    """What a live migration leaves once the copy ran: the destination's attachment
    (``attaching``), the record ``running``, the server ``migrating``.

    :returns: the destination's volume steps and its answer for the volume (the
        ``migrate_data`` the source lost), without the disk its guest uses.
    """
    dest_driver = fake.FakeDriver()
    dest_driver.host = DEST
    dest = live_volumes.LiveVolumes(dest_driver, compute.conductor, volume_api)
    (moved,) = dest.connect(ctx, server)
    migration = server_migrations.migration_create(server, 'live-migration', DEST, DEST)
    server_migrations.migration_update(migration['uuid'], {'status': 'running'})
    instances.instance_update(server['uuid'], {'task_state': 'migrating'})
    compute.live.volumes.volume_api = volume_api
    moved.pop('disk_xml')
    return dest, moved


def _attachments(volume_api, ctx, volume_id, server):
    return [(a['id'], a['status']) for a in volume_api.attachment_list(ctx, volume_id,
                                                                       server['uuid'])]


def _moved_away(compute, ctx, server, volume_id, volume_api):  # noqa: F811
    """libvirt moved the guest of a server with a volume; this host stopped before
    the post. :returns: the mapping before, and the destination's answer."""
    _attach(compute, ctx, server, volume_id, volume_api)
    (before,) = block_device_mappings.bdm_get_by_instance(server['uuid'])
    _dest, moved = _live_migrating(compute, ctx, server, volume_api)
    compute.driver.destroy(ctx, server, None)
    return before, moved


def test_a_source_restarted_after_the_copy_hands_the_volume_over_and_lets_its_own_go(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    before, moved = _moved_away(compute, ctx, server, volume_id, volume_api)
    with mock.patch.object(compute.live, 'compute_rpcapi') as peers, \
            mock.patch.object(compute.driver, 'disconnect_volume') as disconnect:
        _restart(compute, ctx)
    assert instances.instance_get(server['uuid'])['host'] == DEST
    peers.post_live_migration_at_destination.assert_called_once()
    (after,) = block_device_mappings.bdm_get_by_instance(server['uuid'])
    assert (after['attachment_id'], after['connection_info']) == (
        moved['attachment_id'], moved['connection_info'])
    # Only the destination's attachment is left, completed; this host forgot its
    # own connection and nothing else.
    assert _attachments(volume_api, ctx, volume_id, server) == [
        (moved['attachment_id'], 'attached')]
    disconnect.assert_called_once_with(before['connection_info'])
    assert volume_api.get(ctx, volume_id)['status'] == 'in-use'


def test_a_source_restarted_mid_handover_lets_go_of_the_attachment_it_left(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    before, moved = _moved_away(compute, ctx, server, volume_id, volume_api)
    # The post's handover stopped after the mapping took the destination's
    # attachment and completed it, before this host's own was deleted.
    block_device_mappings.bdm_update(moved['bdm_uuid'], {
        'attachment_id': moved['attachment_id'], 'connection_info': moved['connection_info']})
    volume_api.attachment_complete(ctx, moved['attachment_id'])
    with mock.patch.object(compute.live, 'compute_rpcapi'), \
            mock.patch.object(compute.driver, 'disconnect_volume') as disconnect:
        _restart(compute, ctx)
    assert instances.instance_get(server['uuid'])['host'] == DEST
    assert _attachments(volume_api, ctx, volume_id, server) == [
        (moved['attachment_id'], 'attached')]
    disconnect.assert_called_once()
    assert disconnect.call_args.args[0]['data'] == before['connection_info']['data']
    assert volume_api.get(ctx, volume_id)['status'] == 'in-use'


def test_a_source_restarted_before_the_copy_ended_has_the_destination_let_its_attachment_go(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    (before,) = block_device_mappings.bdm_get_by_instance(server['uuid'])
    dest, moved = _live_migrating(compute, ctx, server, volume_api)
    with mock.patch.object(compute.live, 'compute_rpcapi') as peers:
        _restart(compute, ctx)
    assert instances.instance_get(server['uuid'])['host'] == compute.host
    peers.rollback_live_migration_at_destination.assert_called_once_with(
        ctx, DEST, mock.ANY, {'volumes': [moved]})
    # What the destination does with it: its attachment goes, this host's stays.
    dest.disconnect(ctx, [moved])
    assert _attachments(volume_api, ctx, volume_id, server) == [
        (before['attachment_id'], 'attached')]
    assert block_device_mappings.bdm_get_by_instance(server['uuid']) == [before]
    assert volume_api.get(ctx, volume_id)['status'] == 'in-use'


def test_restart_mid_cold_move_leaves_the_volume_reserved_for_the_server(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    cold = compute.mover.cold_volumes
    cold.volume_api, cold.conductor = volume_api, compute.conductor
    # The guest is off and this host has let go of the volume; the
    # destination has not taken it yet.
    cold.release(ctx, server)
    instances.instance_update(server['uuid'], {'task_state': 'resize_migrated'})
    _restart(compute, ctx)
    assert volume_api.get(ctx, volume_id)['status'] == 'reserved'
    (bdm,) = block_device_mappings.bdm_get_by_instance(server['uuid'])
    assert bdm['attachment_id'] and bdm['connection_info'] is None


def test_a_hard_reboot_attaches_again_a_volume_a_failed_cold_move_let_go(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    cold = compute.mover.cold_volumes
    cold.volume_api, cold.conductor = volume_api, compute.conductor
    runner_volumes = compute.actions.cold_volumes
    runner_volumes.volume_api, runner_volumes.conductor = volume_api, compute.conductor
    # The source let go of the volume; the move then failed before a
    # destination took it, and the server is back here.
    cold.release(ctx, server)
    assert volume_api.get(ctx, volume_id)['status'] == 'reserved'
    with mock.patch.object(compute.driver, 'reboot') as reboot:
        compute.reboot_instance(ctx, server, 'HARD')
        compute.tasks.waitall()
    [mapped] = reboot.call_args.kwargs['block_device_info']['block_device_mapping']
    assert (mapped['volume_id'], mapped['mount_device']) == (volume_id, '/dev/vdb')
    shown = volume_api.get(ctx, volume_id)
    assert shown['status'] == 'in-use'
    assert [a['host_name'] for a in shown['attachments']] == [compute.host]


def test_hard_reboot_and_start_define_the_guest_with_the_mapped_volumes(
        compute, ctx, server, volume_id, volume_api):  # noqa: F811
    _attach(compute, ctx, server, volume_id, volume_api)
    with mock.patch.object(compute.driver, 'reboot') as reboot, \
            mock.patch.object(compute.driver, 'power_on') as power_on:
        compute.reboot_instance(ctx, server, 'HARD')
        compute.tasks.waitall()
        compute.start_instance(ctx, server)
        compute.tasks.waitall()
    for call in (reboot.call_args, power_on.call_args):
        [mapped] = call.kwargs['block_device_info']['block_device_mapping']
        assert (mapped['volume_id'], mapped['mount_device']) == (volume_id, '/dev/vdb')
