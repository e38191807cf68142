"""Shelving on a compute host: shelve, offload, unshelve, and their recovery.

Shelve powers the guest off and snapshots its disk into the image the API
registered (``shelving`` → ``shelving_image_pending_upload`` →
``shelving_image_uploading``), then records the image in the server's
system metadata and leaves it ``shelved`` on this host, still holding its
claim. Offload (at once when ``[DEFAULT] shelved_offload_time`` is 0, after
that many seconds by :meth:`ShelveOps.offload_expired`, or on request)
destroys the guest and its disks and gives up the host: the server becomes
``shelved_offloaded`` with no host, and the next resource report releases
its claim; its volumes stay reserved for it, disconnected from this host.
Unshelve powers a shelved guest on again, or spawns an offloaded one on the
host the conductor chose, from the shelved image (then deleted) and with its
volumes connected from there. A server booted from a volume is offloaded at
once, with no image, and comes back booting from its volume. The fixed IP
stays the server's throughout.
"""

from oslo_concurrency import lockutils
from oslo_log import log as logging
from oslo_utils import timeutils

from novalite import exception
from novalite.compute import boot_volumes, build, events, snapshots, vm_states
from novalite.conf import CONF
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

SHELVED_KEYS = ('shelved_at', 'shelved_image_id', 'shelved_host')


class ShelveOps:
    """Shelving of ``manager``'s instances; images go through ``snapshot_ops``."""

    def __init__(self, manager, snapshot_ops):
        self.manager = manager
        self.host = manager.host
        self.snapshots = snapshot_ops

    # The manager's, read when used: tests and restarts may replace them.
    @property
    def driver(self):
        return self.manager.driver

    @property
    def conductor(self):
        return self.manager.conductor

    def _run(self, context, instance, event, work):
        self.snapshots.run(context, instance, event, work)

    # Shelve

    def shelve(self, context, instance, image_id, clean_shutdown=True):
        def work():
            self._power_off(context, instance, clean_shutdown)
            self.snapshots.capture(context, instance, image_id, snapshots.SHELVE_STATES)
            self._shelved(context, instance, image_id, vm_states.SHELVING_IMAGE_UPLOADING)
        self._run(context, instance, 'compute_shelve_instance', work)

    def _shelved(self, context, instance, image_id, expected):
        """Record the shelved image; offload at once if ``shelved_offload_time`` is 0."""
        offload = CONF.shelved_offload_time == 0
        sysmeta = dict(instance['system_metadata'] or {},
                       shelved_at=timeutils.utcnow().isoformat(),
                       shelved_image_id=image_id, shelved_host=self.host)
        self.snapshots.move(context, instance,
                            vm_states.SHELVING_OFFLOADING if offload else None, expected,
                            vm_state=vm_states.SHELVED, power_state=power_state.SHUTDOWN,
                            system_metadata=sysmeta)
        if offload:
            self._offload(context, instance)

    def _power_off(self, context, instance, clean_shutdown):
        try:
            state = self.driver.get_info(instance).state
        except exception.InstanceNotFound:
            return
        if state == power_state.SHUTDOWN:
            return
        # A paused guest cannot answer the power button.
        clean = clean_shutdown and state == power_state.RUNNING
        network_info = self.manager.actions.network_info(context, instance)
        self.driver.power_off(context, instance, network_info, timeout=None if clean else 0)

    # Offload

    def shelve_offload(self, context, instance, clean_shutdown=True):
        def work():
            self._power_off(context, instance, clean_shutdown)
            self._offload(context, instance)
        self._run(context, instance, 'compute_shelve_offload_instance', work)

    def _offload(self, context, instance):
        """Destroy the guest and its disks, keep its volumes reserved for it, then give
        the server up (host and node None)."""
        self.driver.destroy(context, instance, self.manager.actions.network_info(context, instance))
        self.manager.volumes.keep_reserved_all(context, instance)
        self.snapshots.move(context, instance, None, vm_states.SHELVING_OFFLOADING,
                            vm_state=vm_states.SHELVED_OFFLOADED,
                            power_state=power_state.SHUTDOWN, host=None, node=None)
        LOG.info('Instance %s is offloaded from %s', instance['uuid'], self.host)
        # The report releases the claim of a server on no node.
        self.manager.tracker.report_soon(context)

    def offload_expired(self, context):
        """Offload the servers shelved here longer than ``shelved_offload_time``."""
        if CONF.shelved_offload_time <= 0:
            return
        now = timeutils.utcnow()
        for instance in self.conductor.instance_get_all_by_host(context, self.host):
            if instance['vm_state'] != vm_states.SHELVED or instance['task_state'] is not None:
                continue
            shelved_at = (instance['system_metadata'] or {}).get('shelved_at')
            if shelved_at and (now - timeutils.parse_isotime(shelved_at).replace(tzinfo=None)
                               ).total_seconds() >= CONF.shelved_offload_time:
                self._offload_now(context, instance)

    def _offload_now(self, context, instance):
        try:
            self.conductor.instance_update(
                context, instance['uuid'], {'task_state': vm_states.SHELVING_OFFLOADING},
                expected_task_state=[None], expected_vm_state=vm_states.SHELVED,
                expected_host=self.host, read_back=False)
        except build.GONE:
            return
        LOG.info('Offloading instance %s, shelved for over %d s', instance['uuid'],
                 CONF.shelved_offload_time)
        self.manager.tasks.spawn_n(self._offload_locked, context, instance)

    def _offload_locked(self, context, instance):
        self._run(context, instance, 'compute_shelve_offload_instance',
                  lambda: self._offload(context, instance))

    # Unshelve

    def unshelve(self, context, instance, image=None, node=None):
        if image is None:
            self._run(context, instance, 'compute_unshelve_instance',
                      lambda: self._power_on(context, instance))
            return
        uuid = instance['uuid']
        with self.manager.in_flight.track(uuid), lockutils.lock(uuid), \
                self.manager.in_flight.running.operation(uuid):
            try:
                with events.action_event(self.conductor, context, uuid,
                                         'compute_unshelve_instance', self.host):
                    self._spawn(context, instance, image)
            except build.GONE:
                LOG.info('Instance %s was deleted or changed during its unshelve', uuid)
            except Exception as exc:
                LOG.exception('Unshelve of instance %s failed on %s', uuid, self.host)
                self._back_to_offloaded(context, instance, exc)
        self.manager.tracker.report_soon(context)

    def _power_on(self, context, instance):
        network_info = self.manager.actions.network_info(context, instance)
        self.driver.power_on(context, instance, network_info)
        self._unshelved(context, instance, vm_states.UNSHELVING)

    def _spawn(self, context, instance, image):
        """Spawn the offloaded server here with its volumes (connected anew from this host)."""
        self.snapshots.move(context, instance, vm_states.SPAWNING, vm_states.UNSHELVING)
        network_info = self.conductor.network_get(context, instance['uuid'])
        boot = self.manager.builder.volumes
        bdms = self.conductor.bdm_get_by_instance(context, instance['uuid'])
        bdms = boot.prepare(context, instance, bdms) if bdms else []
        self.driver.spawn(context, instance, image, [], None, network_info,
                          block_device_info=boot_volumes.block_device_info(bdms))
        boot.complete(context, bdms)
        self._unshelved(context, instance, vm_states.SPAWNING, launched_on=self.host)

    def _unshelved(self, context, instance, expected, **values):
        sysmeta = dict(instance['system_metadata'] or {})
        image_id = sysmeta.get('shelved_image_id')
        for key in SHELVED_KEYS:
            sysmeta.pop(key, None)
        self.snapshots.move(context, instance, None, expected, vm_state=vm_states.ACTIVE,
                            power_state=power_state.RUNNING, system_metadata=sysmeta,
                            **values)
        if image_id:
            self.snapshots.delete_image(context, image_id)

    def _back_to_offloaded(self, context, instance, exc):
        """An unshelve that failed here (or was cancelled at its deadline, which
        put it in ERROR) leaves the server offloaded, free to try again."""
        build.destroy_quietly(self.driver, self.conductor, context, instance)
        self.manager.volumes.keep_reserved_all(context, instance)
        if not events.record_fault(self.conductor, context, instance['uuid'], exc, self.host):
            return
        try:
            self.conductor.instance_update(
                context, instance['uuid'], {'vm_state': vm_states.SHELVED_OFFLOADED,
                                            'task_state': None, 'host': None, 'node': None},
                expected_task_state=[vm_states.UNSHELVING, vm_states.SPAWNING, None],
                expected_host=self.host, read_back=False)
        except build.GONE:
            pass

    # Start-up

    def recover(self, context, instance):
        """Settle a shelve, offload or unshelve a restart interrupted.

        A shelve whose image was uploaded completes; one whose was not is
        undone (its half image deleted, the task cleared). An offload is
        finished; an unshelve spawning here is undone, leaving the server
        offloaded; one powering on is cleared (the server stays shelved).
        """
        task_state, vm_state = instance['task_state'], instance['vm_state']
        if task_state in vm_states.SHELVING_TASK_STATES:
            self._recover_shelve(context, instance)
        elif task_state == vm_states.SHELVING_OFFLOADING:
            self._offload_locked(context, instance)
        elif vm_state == vm_states.SHELVED_OFFLOADED:
            self._back_to_offloaded(context, instance, exception.NovaliteException(
                'The compute host restarted during the unshelve'))
        else:
            self.manager.sync_instance(context, instance, ending=(instance['task_state'],))

    def _recover_shelve(self, context, instance):
        image = self.snapshots.recover(context, instance)
        if image is None:
            LOG.info('Shelve of %s was interrupted before its upload ended; undone',
                     instance['uuid'])
            self.manager.sync_instance(context, instance, ending=(instance['task_state'],))
            return
        self._run(context, instance, 'compute_shelve_instance',
                  lambda: self._shelved(context, instance, image['id'], instance['task_state']))
