"""Volume snapshots under real guests: what a guest wrote is in a volume made of the snapshot.

The storage side of createImage of a volume-backed server and of booting
from its image: the tgt volume driver snapshots the volumes of a running
guest (booted from one, writing its marker to the other), new volumes are
made of those snapshots, and a second guest boots from them with QEMU's own
iSCSI initiator and reads the first guest's marker back. And the guest's
side: a guest with the agent is quiesced and thawed through it; one
without is refused.
"""

import json
import time
import uuid

import libvirt_qemu
import pytest

from novalite import exception
from novalite.volume import cinder, drivers
from tests.integration.libvirt.conftest import new_instance, spawn, wait_console
from tests.integration.libvirt.test_rescue_and_agent import (  # noqa: F401 (fixture)
    AGENT_TIMEOUT,
    _spawn_agent_guest,
    agent_image,
)
from tests.integration.libvirt.test_volumes import (  # noqa: F401 (fixtures)
    GUEST_SEES_DISK_TIMEOUT,
    tgtd,
    volumes,
)

pytestmark = pytest.mark.integration


def _from_snapshot(volumes, info, size=1):  # noqa: F811
    """Snapshot the volume of ``info`` and make an exported volume of ``size`` GiB of it."""
    driver = volumes.driver
    source = volumes.volumes[info['data']['volume_id']]
    snapshot = {'uuid': str(uuid.uuid4())}
    driver.create_snapshot(snapshot, source)
    volume = {'uuid': str(uuid.uuid4()), 'size': size}
    driver.create_volume_from_snapshot(volume, snapshot)
    driver.delete_snapshot(snapshot)
    volume.update(driver.create_export(volume))
    volumes.volumes[volume['uuid']] = volume
    return cinder.translate_connection_info(dict(drivers.connection_info(volume),
                                                 attachment_id='a'))


def _boot(driver, guest_images, root, data):
    instance = new_instance(guest_images['disk'], image_ref='')
    driver.spawned.append((instance, []))
    driver.spawn(None, instance, {}, [], None, [], block_device_info={
        'block_device_mapping': [
            {'connection_info': root, 'mount_device': '/dev/vda', 'boot_index': 0,
             'volume_id': root['data']['volume_id']},
            {'connection_info': data, 'mount_device': '/dev/vdb', 'boot_index': None,
             'volume_id': data['data']['volume_id']}]})
    return instance


def test_a_guest_booted_from_snapshots_of_another_s_volumes_reads_its_marker(
        driver, guest_images, volumes):  # noqa: F811
    if guest_images['disk'] is None:
        pytest.skip('no bootable disk image (syslinux missing)')
    root, data = volumes(guest_images['disk']), volumes()
    first = _boot(driver, guest_images, root, data)
    wait_console(driver, first, 'disk vdb wrote=NOVALITE-VOLUME from tiny-',
                 timeout=GUEST_SEES_DISK_TIMEOUT)

    # Taken while the first guest runs with both volumes, as createImage does (force).
    second = _boot(driver, guest_images, _from_snapshot(volumes, root),
                   _from_snapshot(volumes, data, size=2))
    wait_console(driver, second, 'NOVALITE-GUEST ready')
    text = wait_console(driver, second, 'disk vdb has=', timeout=GUEST_SEES_DISK_TIMEOUT)
    assert f"disk vdb has=NOVALITE-VOLUME from {first['hostname']}" in text


def _fsfreeze_status(driver, instance):
    domain = driver._host.lookup(instance['name'])
    answer = libvirt_qemu.qemuAgentCommand(domain, '{"execute": "guest-fsfreeze-status"}',
                                           10, 0)
    return json.loads(answer)['return']


def test_quiesce_and_unquiesce_go_through_the_guest_agent_and_leave_it_thawed(
        driver, agent_image):  # noqa: F811
    # The tiny guest runs from its initramfs: qemu-ga has no filesystem it
    # could freeze, so 'frozen' cannot be seen; the freeze and the thaw are
    # the agent's answers (an agent that does not answer fails the freeze).
    instance, _ = _spawn_agent_guest(driver, agent_image)
    wait_console(driver, instance, 'agent=started')
    properties = {'hw_qemu_guest_agent': 'yes'}
    deadline = time.monotonic() + AGENT_TIMEOUT
    while True:
        try:
            driver.quiesce(None, instance, properties)
            break
        except exception.InstanceQuiesceFailed:
            # qemu-ga answers a few seconds after it starts.
            assert time.monotonic() < deadline, 'the agent never answered'
            time.sleep(1)
    driver.unquiesce(None, instance, properties)
    assert _fsfreeze_status(driver, instance) == 'thawed'


def test_a_guest_without_the_agent_cannot_be_quiesced(driver, guest_images):
    instance, _ = spawn(driver, guest_images['kernel'], with_network=False)
    with pytest.raises(exception.QemuGuestAgentNotEnabled):
        driver.quiesce(None, instance, {})
