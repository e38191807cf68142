"""Moves on the compute hosts: resize and cold migration (live ones: :mod:`live_moves`).

A cold move runs ``resize_instance`` on the source (the guest stops and its
disks are handed over), then ``finish_resize`` on the destination (the guest
is defined there at the new flavor; the server waits in ``resized`` for the
user), then ``confirm_resize`` on the source or ``revert_resize`` on the
destination followed by ``finish_revert_resize`` on the source.

Each step persists the instance's ``task_state`` and the record's status
before its slow part, through the conductor, and ends the move with a fault
and the claims settled if it fails: the source's claim, held by the
migration record while the move runs, is released once the destination
holds the server, or handed back to the server when the move is undone.
"""

import json

from oslo_concurrency import lockutils
from oslo_log import log as logging

from novalite import exception, objects
from novalite.compute import cold_volumes, events, vm_states
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

_FLAVOR_COLUMNS = ('memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb', 'swap')
_OLD_KEYS = ('old_flavor', 'old_vm_state')


class Mover:
    def __init__(self, host, driver, conductor, compute_rpcapi, tasks):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self.compute_rpcapi = compute_rpcapi
        self.tasks = tasks
        self.cold_volumes = cold_volumes.ColdVolumes(driver, conductor)

    def submit(self, step, context, instance, *args):
        """Run ``step`` in the host's task pool, under the instance's lock."""
        self.tasks.spawn_n(self._run, step, context, instance, *args)

    def _run(self, step, context, instance, migration, *args):
        uuid = instance['uuid']
        event = 'compute_' + step.__name__
        with lockutils.lock(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, event, self.host):
                    step(context, instance, migration, *args)
            except Exception as exc:
                LOG.exception('%s of instance %s failed', event, uuid)
                self._fail(context, instance, migration, exc)

    def _fail(self, context, instance, migration, exc):
        """End the move here: claims back to the source, the server where its guest is."""
        self._update_migration(context, migration, 'error')
        self.conductor.migration_settle_claims(context, migration['uuid'], 'source')
        sysmeta = instance['system_metadata']
        values = {'task_state': None, 'host': migration['source_compute'],
                  'node': migration['source_node']}
        values['vm_state'] = sysmeta.get('old_vm_state') or instance['vm_state']
        try:
            self.conductor.instance_fault_create(context, instance['uuid'], 500, str(exc),
                                                 type(exc).__name__, self.host)
            self.conductor.instance_update(context, instance['uuid'], values, read_back=False)
        except exception.InstanceNotFound:
            LOG.info('Instance %s was deleted during its move', instance['uuid'])

    def _update_migration(self, context, migration, status, **values):
        return self.conductor.migration_update(context, migration['uuid'],
                                               dict(values, status=status))

    def _network_info(self, context, instance):
        return self.conductor.network_get(context, instance['uuid'])

    def _set_task(self, context, instance, task_state, expected, **values):
        return self.conductor.instance_update(context, instance['uuid'],
                                              dict(values, task_state=task_state),
                                              expected_task_state=expected)

    # Cold moves

    def resize_instance(self, context, instance, migration, flavor):
        """Source: stop the guest, hand its disks and volumes over, pass on to the destination."""
        self._update_migration(context, migration, 'migrating')
        instance = self._set_task(context, instance, vm_states.RESIZE_MIGRATING,
                                  vm_states.RESIZE_PREP)
        disk_info = self.driver.migrate_disk_and_power_off(
            context, instance, migration['dest_compute'], flavor,
            self._network_info(context, instance))
        if self.compute_rpcapi.hands_over_volumes():
            self.cold_volumes.release(context, instance)
        migration = self._update_migration(context, migration, 'post-migrating')
        instance = self._set_task(context, instance, vm_states.RESIZE_MIGRATED,
                                  vm_states.RESIZE_MIGRATING,
                                  power_state=power_state.SHUTDOWN)
        self.compute_rpcapi.finish_resize(context, migration['dest_compute'], instance,
                                          migration, flavor, disk_info)

    def finish_resize(self, context, instance, migration, flavor, disk_info):
        """Destination: the server lives here now, at its new flavor, until confirmed."""
        old_vm_state = instance['vm_state']
        sysmeta = dict(instance['system_metadata'],
                       old_flavor=json.dumps(objects.base.to_legacy(instance['flavor'])),
                       old_vm_state=old_vm_state)
        instance = self._set_task(
            context, instance, vm_states.RESIZE_FINISH, vm_states.RESIZE_MIGRATED,
            host=self.host, node=migration['dest_node'], system_metadata=sysmeta,
            **_flavor_values(flavor))
        power_on = old_vm_state != vm_states.STOPPED
        with self.cold_volumes.arrive(context, instance) as volume_disks:
            self.driver.finish_migration(context, migration, instance, disk_info,
                                         self._network_info(context, instance),
                                         power_on=power_on, volume_disks=volume_disks)
        # The record first: once the server shows VERIFY_RESIZE, confirm and
        # revert look for a finished migration.
        self._update_migration(context, migration, 'finished')
        self._set_task(context, instance, None, vm_states.RESIZE_FINISH,
                       vm_state=vm_states.RESIZED,
                       power_state=power_state.RUNNING if power_on else power_state.SHUTDOWN)

    def confirm_resize(self, context, instance, migration):
        """Source: drop the guest left here and the source claim; the move is done."""
        self.driver.confirm_migration(context, migration, instance,
                                      self._network_info(context, instance))
        self.conductor.migration_settle_claims(context, migration['uuid'], 'destination')
        self._update_migration(context, migration, 'confirmed')
        self.conductor.instance_update(context, instance['uuid'], {
            'vm_state': instance['system_metadata'].get('old_vm_state', vm_states.ACTIVE),
            'task_state': None, 'system_metadata': _without_old(instance)},
            expected_task_state=[None], read_back=False)

    def revert_resize(self, context, instance, migration):
        """Destination: drop the guest defined here and let its volumes go; the source
        takes the server back.

        On the same host the disks stay: the source's revert puts the old
        ones back in their place.
        """
        same_host = migration['source_compute'] == migration['dest_compute']
        self.driver.destroy(context, instance, self._network_info(context, instance),
                            destroy_disks=not same_host)
        if self.compute_rpcapi.hands_over_volumes():
            self.cold_volumes.release(context, instance)
        self.conductor.migration_settle_claims(context, migration['uuid'], 'source')
        self.compute_rpcapi.finish_revert_resize(context, migration['source_compute'],
                                                 instance, migration)

    def finish_revert_resize(self, context, instance, migration):
        """Source: the server is back here, at its old flavor, powered as it was."""
        sysmeta = instance['system_metadata']
        old_flavor = json.loads(sysmeta['old_flavor'])
        old_vm_state = sysmeta.get('old_vm_state', vm_states.ACTIVE)
        power_on = old_vm_state != vm_states.STOPPED
        with self.cold_volumes.arrive(context, instance) as volume_disks:
            self.driver.finish_revert_migration(context, instance,
                                                self._network_info(context, instance),
                                                power_on=power_on, volume_disks=volume_disks)
        self._set_task(context, instance, None, vm_states.RESIZE_REVERTING,
                       host=self.host, node=migration['source_node'], vm_state=old_vm_state,
                       system_metadata=_without_old(instance),
                       power_state=power_state.RUNNING if power_on else power_state.SHUTDOWN,
                       **_flavor_values(old_flavor))
        self._update_migration(context, migration, 'reverted')


def _flavor_values(flavor):
    flavor = objects.base.to_legacy(flavor)
    values = {column: flavor[column] for column in _FLAVOR_COLUMNS}
    return dict(values, flavor=flavor, instance_type_id=flavor['id'])


def _without_old(instance):
    return {key: value for key, value in instance['system_metadata'].items()
            if key not in _OLD_KEYS}
