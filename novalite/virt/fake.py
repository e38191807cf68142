"""An in-memory hypervisor with honest bookkeeping, for tests and scale runs.

Resources come from ``[fake]``; every spawned guest takes its flavor's share
of its node, and a spawn that would exceed the node's physical size fails,
so the scheduler's claims are checked against a second, independent ledger.
``[fake] fail_spawn_on_hosts`` makes spawns fail on chosen hosts. Guests
outlive the compute service, as on a real hypervisor: each is kept in its own
file under ``$state_path/fake-<host>/``, so that recording one costs the same
however many guests the host runs. Pre-cached images are recorded there too,
as empty files named by image id in ``image_cache/``.
"""

import json
import os

from novalite import concurrency, exception
from novalite.compute import vm_states
from novalite.conf import CONF
from novalite.virt import driver, power_state


class FakeDriver(driver.ComputeDriver):
    def __init__(self):
        super().__init__()
        self.host = None
        self.guests = {}

    def init_host(self, host):
        self.host = host
        os.makedirs(self._state_dir(), exist_ok=True)
        self.guests = {}
        for name in os.listdir(self._state_dir()):
            if name.endswith('.json'):
                with open(os.path.join(self._state_dir(), name)) as f:
                    self.guests[name[:-len('.json')]] = json.load(f)

    def _state_dir(self):
        return os.path.join(CONF.state_path, f'fake-{self.host}')

    def _guest_file(self, uuid):
        return os.path.join(self._state_dir(), uuid + '.json')

    def _save(self, uuid):
        path = self._guest_file(uuid)
        # Written aside and renamed, so that a kill never leaves half a guest.
        with open(path + '.tmp', 'w') as f:
            json.dump(self.guests[uuid], f)
        os.replace(path + '.tmp', path)

    def _set_state(self, instance, state):
        self._guest(instance)['state'] = state
        self._save(instance['uuid'])

    def get_available_nodes(self):
        if CONF.fake.node_count == 1:
            return [self.host]
        return [f'{self.host}-{index}' for index in range(1, CONF.fake.node_count + 1)]

    def _used(self, nodename):
        guests = [g for g in self.guests.values() if g['node'] == nodename]
        return {'vcpus': sum(g['vcpus'] for g in guests),
                'memory_mb': sum(g['memory_mb'] for g in guests),
                'local_gb': sum(g['disk_gb'] for g in guests),
                'running_vms': len(guests)}

    def get_available_resource(self, nodename):
        used = self._used(nodename)
        return {'vcpus': CONF.fake.vcpus, 'memory_mb': CONF.fake.memory_mb,
                'local_gb': CONF.fake.local_gb, 'vcpus_used': used['vcpus'],
                'memory_mb_used': used['memory_mb'], 'local_gb_used': used['local_gb'],
                'running_vms': used['running_vms'],
                'free_disk_gb': CONF.fake.local_gb - used['local_gb'],
                'hypervisor_type': 'fake', 'hypervisor_version': 1000,
                'hypervisor_hostname': nodename,
                'cpu_info': {'arch': 'x86_64', 'model': 'fake', 'vendor': 'novalite'},
                'supported_instances': [['x86_64', 'fake', 'hvm']]}

    def list_instance_uuids(self):
        return list(self.guests)

    def spawn(self, context, instance, image_meta, injected_files, admin_password,
              network_info, block_device_info=None):
        if self.host in CONF.fake.fail_spawn_on_hosts:
            raise exception.InstanceDeployFailure(
                reason=f'fake spawn failure configured for host {self.host}')
        if CONF.fake.spawn_seconds:
            concurrency.sleep(CONF.fake.spawn_seconds)
        guest = {'node': instance['node'], 'vcpus': instance['vcpus'],
                 'memory_mb': instance['memory_mb'],
                 'disk_gb': instance['root_gb'] + instance['ephemeral_gb'],
                 'state': power_state.RUNNING, 'console': [],
                 'image_ref': instance.get('image_ref'), 'key_name': instance.get('key_name'),
                 'user_data': instance.get('user_data')}
        kept = (block_device_info or {}).get('volumes')
        if kept:
            guest['volumes'] = dict(kept)
        self._check_room(guest)
        guest['console'].append(f"{instance['hostname']} login:")
        for bdm in (block_device_info or {}).get('block_device_mapping', ()):
            guest.setdefault('volumes', {})[bdm['mount_device']] = \
                bdm['connection_info']['data'].get('volume_id')
        self.guests[instance['uuid']] = guest
        self._save(instance['uuid'])

    def _check_room(self, guest):
        used = self._used(guest['node'])
        physical = {'vcpus': CONF.fake.vcpus * CONF.compute.cpu_allocation_ratio,
                    'memory_mb': CONF.fake.memory_mb * CONF.compute.ram_allocation_ratio,
                    'local_gb': CONF.fake.local_gb * CONF.compute.disk_allocation_ratio}
        wanted = {'vcpus': guest['vcpus'], 'memory_mb': guest['memory_mb'],
                  'local_gb': guest['disk_gb']}
        for resource, limit in physical.items():
            if used[resource] + wanted[resource] > limit:
                raise exception.InstanceDeployFailure(
                    reason=f"node {guest['node']} is out of {resource}")

    def _guest(self, instance):
        try:
            return self.guests[instance['uuid']]
        except KeyError:
            raise exception.InstanceNotFound(instance_id=instance['uuid']) from None

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True):
        if self.guests.pop(instance['uuid'], None) is not None:
            os.remove(self._guest_file(instance['uuid']))

    def prepare_rebuild(self, context, instance, network_info, preserve_ephemeral=False):
        """The attached volumes stay with the rebuilt guest."""
        guest = self.guests.get(instance['uuid']) or {}
        kept = {'volumes': guest['volumes']} if guest.get('volumes') else None
        self.destroy(context, instance, network_info)
        return kept

    def reboot(self, context, instance, network_info, reboot_type, block_device_info=None):
        self._set_state(instance, power_state.RUNNING)

    def power_off(self, context, instance, network_info, timeout=None):
        if CONF.fake.power_off_seconds:
            concurrency.sleep(CONF.fake.power_off_seconds)
        self._set_state(instance, power_state.SHUTDOWN)

    def power_on(self, context, instance, network_info, block_device_info=None):
        self._set_state(instance, power_state.RUNNING)

    def pause(self, context, instance, network_info):
        self._set_state(instance, power_state.PAUSED)

    def unpause(self, context, instance, network_info):
        self._set_state(instance, power_state.RUNNING)

    def suspend(self, context, instance, network_info):
        self._set_state(instance, power_state.SUSPENDED)

    def resume(self, context, instance, network_info):
        self._set_state(instance, power_state.RUNNING)

    def get_info(self, instance):
        return driver.InstanceInfo(state=self._guest(instance)['state'])

    def get_console_output(self, context, instance):
        return '\n'.join(self._guest(instance)['console']) + '\n'

    def get_instance_diagnostics(self, instance):
        guest = self._guest(instance)
        vcpus, memory_mb = int(instance['vcpus']), int(instance['memory_mb'])
        return {'state': 'running' if guest['state'] == power_state.RUNNING else 'shutdown',
                'driver': 'fake', 'hypervisor': 'fake', 'hypervisor_os': 'fake',
                'uptime': None, 'config_drive': bool(instance.get('config_drive')),
                'num_cpus': vcpus, 'num_nics': 0, 'num_disks': 0,
                'cpu_details': [{'id': n, 'time': 0, 'utilisation': None}
                                for n in range(vcpus)],
                'nic_details': [], 'disk_details': [],
                'memory_details': {'maximum': memory_mb, 'used': memory_mb}}

    # Rescue and passwords: recorded on the guest, as a hypervisor would hold them.
    def rescue(self, context, instance, network_info, image_meta, rescue_password):
        guest = self._guest(instance)
        properties = image_meta.get('properties') or {}
        mode = ('stable' if 'hw_rescue_device' in properties or 'hw_rescue_bus' in properties
                else 'legacy')
        guest.update(state=power_state.RUNNING, rescue={'image': image_meta['id'],
                                                        'mode': mode})
        guest['console'].append(f"{instance['hostname']} rescue login:")
        self._save(instance['uuid'])

    def unrescue(self, context, instance, network_info):
        guest = self._guest(instance)
        guest.pop('rescue', None)
        guest['state'] = power_state.RUNNING
        self._save(instance['uuid'])

    def set_admin_password(self, instance, new_pass):
        guest = self._guest(instance)
        sysmeta = instance.get('system_metadata') or {}
        if sysmeta.get('image_hw_qemu_guest_agent', '').lower() not in ('yes', 'true', '1'):
            raise exception.QemuGuestAgentNotEnabled()
        guest.setdefault('passwords', {})[sysmeta.get('image_os_admin_user') or 'root'] = new_pass
        self._save(instance['uuid'])

    def quiesce(self, context, instance, image_properties):
        """As the guest agent would: only for images that ask for it; told on the console."""
        guest = self._guest(instance)
        if str(image_properties.get('hw_qemu_guest_agent', '')).lower() not in (
                'yes', 'true', '1'):
            raise exception.QemuGuestAgentNotEnabled()
        guest['console'].append('filesystems frozen')
        self._save(instance['uuid'])

    def unquiesce(self, context, instance, image_properties):
        guest = self._guest(instance)
        guest['console'].append('filesystems thawed')
        self._save(instance['uuid'])

    def trigger_crash_dump(self, instance):
        guest = self._guest(instance)
        guest['console'].append('NMI received')
        self._save(instance['uuid'])

    def snapshot(self, context, instance, image_properties, update_task_state):
        """A small raw image naming the guest, written aside and renamed."""
        self._guest(instance)
        if CONF.fake.snapshot_seconds:
            concurrency.sleep(CONF.fake.snapshot_seconds)
        directory = os.path.join(self._state_dir(), 'snapshots')
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"{instance['uuid']}.raw")
        header = f"NOVALITE-FAKE-SNAPSHOT {instance['uuid']}\n".encode()
        with open(path + '.tmp', 'wb') as f:
            f.write(header.ljust(64 * 1024, b'\0'))
        os.replace(path + '.tmp', path)
        update_task_state(vm_states.IMAGE_PENDING_UPLOAD)
        return driver.SnapshotFile(path, 'raw', 'bare')

    def post_interrupted_snapshot_cleanup(self, context, instance):
        base = os.path.join(self._state_dir(), 'snapshots', f"{instance['uuid']}.raw")
        for path in (base, base + '.tmp'):
            if os.path.exists(path):
                os.remove(path)

    def cache_image(self, context, image_id):
        """Record ``image_id`` as cached: an empty file under ``image_cache/`` of the
        host's state, which tests (and operators trying pre-caching) can look at."""
        directory = os.path.join(self._state_dir(), 'image_cache')
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, image_id)
        if os.path.exists(path):
            return False
        open(path, 'w').close()
        return True

    # Fake guests have no display or serial server: the endpoints name the
    # ports a real guest of this host would have, for the API and proxies' tests.
    def get_vnc_console(self, context, instance):
        self._guest(instance)
        if not CONF.vnc.enabled:
            raise exception.ConsoleTypeUnavailable(console_type='novnc')
        return driver.ConsoleEndpoint(CONF.vnc.server_proxyclient_address, 5900)

    def get_serial_console(self, context, instance):
        self._guest(instance)
        if not CONF.serial_console.enabled:
            raise exception.ConsoleTypeUnavailable(console_type='serial')
        port = int(CONF.serial_console.port_range.split(':')[0])
        return driver.ConsoleEndpoint(CONF.serial_console.proxyclient_address, port)

    # Moves. Each host keeps its own guests: a guest "moves" by being
    # recorded on the destination and dropped from the source.
    def migrate_disk_and_power_off(self, context, instance, dest_host, flavor, network_info):
        self._set_state(instance, power_state.SHUTDOWN)
        return {'from_host': self.host}

    def finish_migration(self, context, migration, instance, disk_info, network_info,
                         power_on=True, volume_disks=()):
        self._receive(instance, power_state.RUNNING if power_on else power_state.SHUTDOWN,
                      volume_disks)

    def confirm_migration(self, context, migration, instance, network_info):
        self.destroy(context, instance, network_info)

    def finish_revert_migration(self, context, instance, network_info, power_on=True,
                                volume_disks=()):
        self._guest(instance)['volumes'] = _volumes(volume_disks)
        self._set_state(instance, power_state.RUNNING if power_on else power_state.SHUTDOWN)

    def live_migration(self, context, instance, dest_host, report_progress, block_migration,
                       migrate_data=None):
        """Copies ``[fake] live_migration_memory_mb`` in ten steps of
        ``[fake] live_migration_step_seconds``, reporting each."""
        guest = self._guest(instance)
        # An abort may come before the copy starts (while the destination prepares).
        guest.setdefault('migration', 'running')
        total = CONF.fake.live_migration_memory_mb * 1024 * 1024
        for step in range(1, 11):
            if guest.get('migration') == 'abort':
                guest.pop('migration')
                raise exception.MigrationAborted(instance_uuid=instance['uuid'])
            if guest.get('migration') != 'force':
                concurrency.sleep(CONF.fake.live_migration_step_seconds)
            done = total * step // 10
            report_progress({'memory_total': total, 'memory_processed': done,
                             'memory_remaining': total - done, 'disk_total': 0,
                             'disk_processed': 0, 'disk_remaining': 0})
        self.destroy(context, instance, None)

    def live_migration_abort(self, instance):
        self._guest(instance)['migration'] = 'abort'

    def live_migration_force_complete(self, instance):
        self._guest(instance)['migration'] = 'force'

    def post_live_migration_at_destination(self, context, instance, network_info):
        self._receive(instance, power_state.RUNNING)

    def _receive(self, instance, state, volume_disks=()):
        guest = {'node': instance['node'], 'vcpus': instance['vcpus'],
                 'memory_mb': instance['memory_mb'],
                 'disk_gb': instance['root_gb'] + instance['ephemeral_gb'],
                 'state': state, 'console': [f"{instance['hostname']} login:"],
                 'volumes': _volumes(volume_disks)}
        self.guests[instance['uuid']] = guest
        self._save(instance['uuid'])

    # Volumes: recorded on the guest, so tests see what a hypervisor would hold.
    def get_volume_connector(self, instance):
        return {'host': self.host, 'ip': CONF.my_ip, 'platform': 'x86_64', 'os_type': 'linux',
                'multipath': False, 'initiator': f'iqn.2026-12.org.novalite:{self.host}'}

    def connect_volume(self, connection_info, mountpoint):
        """The disk a guest moving here gets: where it is and which volume."""
        return {'mountpoint': mountpoint, 'volume_id': connection_info['data'].get('volume_id')}

    def attach_volume(self, context, connection_info, instance, mountpoint):
        guest = self._guest(instance)
        guest.setdefault('volumes', {})[mountpoint] = connection_info['data'].get('volume_id')
        self._save(instance['uuid'])

    def volume_ids(self, instance):
        guest = self.guests.get(instance['uuid'])
        return None if guest is None else set(guest.get('volumes', {}).values())

    def extend_volume(self, context, connection_info, instance, requested_size):
        guest = self._guest(instance)
        sizes = guest.setdefault('volume_sizes', {})
        sizes[connection_info['data'].get('volume_id')] = requested_size
        self._save(instance['uuid'])

    def detach_volume(self, context, connection_info, instance, mountpoint):
        guest = self.guests.get(instance['uuid'])
        if guest is not None and guest.get('volumes', {}).pop(mountpoint, None):
            self._save(instance['uuid'])


def _volumes(volume_disks):
    """A guest's ``{mountpoint: volume_id}`` of :meth:`FakeDriver.connect_volume`'s disks."""
    return {disk['mountpoint']: disk['volume_id'] for disk in volume_disks or ()}
