"""Rebuild and evacuation on a compute host: Nova's ``rebuild_instance``.

A rebuild re-images a server where it is: ``rebuilding`` (set by the API) →
``rebuild_block_device_mapping`` (the old guest is stopped and removed, the
volumes and, if asked, the ephemeral disk kept aside) → ``rebuild_spawning``
(the guest is created from the new image with a new config drive: the
metadata, key, user data and hostname the API persisted) → active, or
stopped if it was. Its fixed IP and attached volumes stay its own throughout.
A server booted from a volume keeps it: its guest is recreated over the
same boot volume, each volume connected again from the mappings; from 2.93
(``reimage_boot_volume``) the new image is first written over the boot
volume (:mod:`novalite.compute.boot_volume_reimage`).

An evacuation (``recreate``) runs the same steps on the destination the
conductor chose, for a server whose host is down: the first step takes the
server over (host and node), there is no old guest here to remove, the
volumes' attachments are given this host's connector (the guest starts with
them, booting from its volume if it has one), and the migration record ends
``done``. The old host, when it comes back, removes
what it still holds of the server (:func:`destroy_evacuated`) and marks the
record ``completed``; it never starts it again.

Every step is persisted through the conductor before it starts. A failure
ends in ERROR with a fault; a failed evacuation gives the server and its
claim back to the old host, so it can be evacuated again.
"""

import base64

from oslo_concurrency import lockutils
from oslo_log import log as logging
from oslo_utils import timeutils

from novalite import exception
from novalite.compute import boot_volume_reimage, boot_volumes, build, events, vm_states
from novalite.compute import volumes as volume_ops
from novalite.image import client as image_client
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

EVENT = 'compute_rebuild_instance'
# Migration statuses of an evacuation the old host has not cleaned up after.
_UNCLEANED = ('accepted', 'pre-migrating', 'done', 'failed', 'error')


class Rebuilder:
    def __init__(self, host, driver, conductor, tracker, tasks, in_flight):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self.tracker = tracker
        self.tasks = tasks
        self.in_flight = in_flight
        self.images = image_client.get_image_service()
        self.volumes = boot_volumes.BootVolumes(host, driver, conductor)
        self.attached = volume_ops.VolumeOps(host, driver, conductor)

    def submit(self, context, instance, **kwargs):
        """Run the rebuild in the task pool, under the instance's lock."""
        self.tasks.spawn_n(self._run, context, instance, kwargs)

    def _run(self, context, instance, kwargs):
        uuid = instance['uuid']
        with self.in_flight.track(uuid), lockutils.lock(uuid), \
                self.in_flight.running.operation(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, EVENT, self.host):
                    self.rebuild(context, instance, **kwargs)
            except build.GONE:
                LOG.info('Instance %s was deleted or moved on during its rebuild', uuid)
            except Exception as exc:
                LOG.exception('Rebuild of instance %s failed', uuid)
                self._fail(context, instance, kwargs.get('migration'), exc)
        self.tracker.report_soon(context)

    def rebuild(self, context, instance, orig_image_ref, image_ref, injected_files, new_pass,
                preserve_ephemeral=False, recreate=False, migration=None,
                scheduled_node=None, target_state=None, reimage_boot_volume=False):
        """The steps; see the module's docstring. Raises what a step raised."""
        uuid = instance['uuid']
        orig_vm_state = instance['vm_state']
        taken_over = {}
        if recreate:
            taken_over = {'host': self.host, 'node': scheduled_node or self.host}
        instance = self._step(context, instance, vm_states.REBUILD_BLOCK_DEVICE_MAPPING,
                              vm_states.REBUILDING, **taken_over)
        network_info, bdms, kept = self._tear_down(
            context, instance, recreate, preserve_ephemeral,
            image_ref if reimage_boot_volume and not recreate else None)
        instance = self._step(context, instance, vm_states.REBUILD_SPAWNING,
                              vm_states.REBUILD_BLOCK_DEVICE_MAPPING)
        # A server booted from a volume has no image: its sysmeta has the properties.
        image_meta = self.images.show(image_ref) if image_ref else None
        self.driver.spawn(context, instance, image_meta, _decoded(injected_files), new_pass,
                          network_info, block_device_info=kept)
        self.volumes.complete(context, bdms)
        stopped = orig_vm_state == vm_states.STOPPED if not recreate \
            else target_state == vm_states.STOPPED or (
                target_state is None and orig_vm_state == vm_states.STOPPED)
        if stopped:
            self.driver.power_off(context, instance, network_info, timeout=0)
        self._step(context, instance, None, vm_states.REBUILD_SPAWNING, read_back=False,
                   vm_state=vm_states.STOPPED if stopped else vm_states.ACTIVE,
                   power_state=power_state.SHUTDOWN if stopped else power_state.RUNNING,
                   launched_at=timeutils.utcnow())
        if recreate:
            self._migration(context, migration, 'done')
        LOG.info('Instance %s rebuilt from image %s%s', uuid, image_ref,
                 ' (evacuated here)' if recreate else '')

    def _tear_down(self, context, instance, recreate, preserve_ephemeral, reimage_with=None):
        """Stop using what the guest had here, or take it over (evacuation); with
        ``reimage_with`` (an image id) re-image the boot volume meanwhile.

        :returns: ``(network_info, bdms, kept)``: the mappings whose volumes
            were connected anew (completed once the guest runs) and what
            ``spawn`` starts the guest with.
        """
        uuid = instance['uuid']
        volume_bdms = [bdm for bdm in self.conductor.bdm_get_by_instance(context, uuid)
                       if bdm.get('volume_id')]
        if recreate:
            network_info = self.conductor.network_allocate(context, uuid, self.host)
        else:
            network_info = self.conductor.network_get(context, uuid)
            kept = self.driver.prepare_rebuild(context, instance, network_info,
                                               preserve_ephemeral=preserve_ephemeral)
            if not boot_volumes.boots_from_volume(volume_bdms):
                return network_info, [], kept
            if reimage_with:
                volume_bdms = [self._reimaged(context, instance, bdm, reimage_with)
                               if str(bdm.get('boot_index')) == '0' else bdm
                               for bdm in volume_bdms]
        # The guest boots from its volume, or moved here: each volume's
        # attachment gets this host's connector again.
        bdms = self.volumes.prepare(context, instance, volume_bdms)
        return network_info, bdms, boot_volumes.block_device_info(bdms)

    def _reimaged(self, context, instance, root_bdm, image_id):
        return boot_volume_reimage.reimage(self.attached, self.volumes.volume_api, context,
                                           instance, root_bdm, image_id)

    def _step(self, context, instance, task_state, expected, read_back=True, **values):
        return self.conductor.instance_update(context, instance['uuid'],
                                              dict(values, task_state=task_state),
                                              expected_task_state=expected,
                                              read_back=read_back)

    def _migration(self, context, migration, status):
        return self.conductor.migration_update(context, migration['uuid'], {'status': status})

    def _fail(self, context, instance, migration, exc):
        """ERROR with a fault; an evacuation gives the server back to its old host."""
        uuid = instance['uuid']
        values = {'vm_state': vm_states.ERROR, 'task_state': None}
        if migration is not None:
            build.destroy_quietly(self.driver, self.conductor, context, instance)
            values.update(host=migration['source_compute'], node=migration['source_node'])
            try:
                self._migration(context, migration, 'failed')
                self.conductor.migration_settle_claims(context, migration['uuid'], 'source')
            except exception.MigrationNotFound:
                pass
        if events.record_fault(self.conductor, context, uuid, exc, self.host):
            # Only while the task is still the rebuild's: cancelled at its
            # deadline, the server may already be in the next action's hands.
            try:
                self.conductor.instance_update(
                    context, uuid, values, read_back=False,
                    expected_task_state=[*vm_states.REBUILD_STATES, None])
            except build.GONE:
                pass


def _decoded(injected_files):
    """``[(path, bytes)]`` of the personality files (base64 over RPC)."""
    return [(item['path'], base64.b64decode(item['contents']))
            for item in injected_files or ()]


def destroy_evacuated(context, host, driver, conductor):
    """Remove what this host still holds of servers evacuated while it was down.

    Nova's ``_destroy_evacuated_instances``: for each evacuation away from
    this host that it has not cleaned up after, the guest and its local files
    go (never started), the source claim the record held is released and the
    record becomes ``completed``. Returns the uuids of the servers cleaned up.
    """
    cleaned = []
    for migration in conductor.migration_get_evacuations(context, host, _UNCLEANED):
        uuid = migration['instance_uuid']
        try:
            instance = conductor.instance_get(context, uuid)
        except exception.InstanceNotFound:
            instance = {'uuid': uuid, 'name': 'instance-' + uuid}
        if instance.get('host') == host:
            # The evacuation failed and gave the server back to us: it stays.
            continue
        LOG.warning('Instance %s was evacuated to %s while this host was down; removing '
                    'its guest here', uuid, instance.get('host'))
        try:
            driver.destroy(context, instance, [])
        except Exception:
            LOG.exception('Could not remove the evacuated guest of %s', uuid)
            continue
        conductor.migration_settle_claims(context, migration['uuid'], 'destination')
        conductor.migration_update(context, migration['uuid'], {'status': 'completed'})
        cleaned.append(uuid)
    return cleaned
