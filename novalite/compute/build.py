"""The build path on a compute host: from a scheduled instance to a running guest.

task_state walks scheduling → networking → spawning,
each step persisted through the conductor before it starts. A failed spawn
is cleaned up and handed back to the conductor to try an alternate host; an
instance deleted mid-build is left to the delete that is already queued
behind the instance's lock.
"""

import base64

from oslo_concurrency import lockutils
from oslo_log import log as logging
from oslo_utils import timeutils

from novalite import concurrency, exception
from novalite.compute import boot_volumes, events, vm_states
from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.conf import CONF
from novalite.image import client as image_client
from novalite.virt import power_state

LOG = logging.getLogger(__name__)

# What a conditional update raises when another request deleted the
# instance or moved it on from the state the step expected.
GONE = (exception.InstanceNotFound, exception.UnexpectedTaskStateError)
_BUILD_STEPS = (vm_states.NETWORKING, vm_states.BLOCK_DEVICE_MAPPING)
_BUILD_EVENT = 'compute__do_build_and_run_instance'


def _injected_files(spec):
    """``[(path, bytes)]``: the create's personality files (base64 over RPC)."""
    return [(item['path'], base64.b64decode(item['contents']))
            for item in spec.get('injected_files') or ()]


def destroy_quietly(driver, conductor, context, instance):
    """Remove an instance's guest and local files, logging rather than raising."""
    try:
        driver.destroy(context, instance, conductor.network_get(context, instance['uuid']))
    except Exception:
        LOG.exception('Could not clean up the guest of instance %s', instance['uuid'])


class _NotOurs(Exception):
    """The instance was deleted or taken elsewhere before or during the build."""


class Builder:
    def __init__(self, host, driver, conductor, tracker, tasks, in_flight):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self.tracker = tracker
        self.compute_task = conductor_rpcapi.ComputeTaskAPI()
        self.images = image_client.get_image_service()
        self.volumes = boot_volumes.BootVolumes(host, driver, conductor)
        self.tasks = tasks
        self.in_flight = in_flight
        self._slots = concurrency.Semaphore(CONF.compute.max_concurrent_builds)

    def submit(self, context, instance, node, request_spec, filter_properties, host_list):
        """Build in the background; at most ``max_concurrent_builds`` at once."""
        self.tasks.spawn_n(self._build_with_slot, context, instance, node, request_spec,
                            filter_properties, host_list)

    def _build_with_slot(self, context, instance, node, spec, filter_properties, host_list):
        # In flight from the moment it waits for a slot: the reaper leaves it be.
        with self.in_flight.track(instance['uuid']), self._slots, \
                lockutils.lock(instance['uuid']), self.in_flight.running.operation(
                    instance['uuid']):
            self._build(context, instance, node, spec, filter_properties, host_list)
        self.tracker.report_soon(context)

    def _build(self, context, instance, node, spec, filter_properties, host_list):
        uuid = instance['uuid']
        try:
            with events.error_event(self.conductor, context, uuid, _BUILD_EVENT, self.host):
                self._build_and_run(context, instance, spec)
        except _NotOurs:
            LOG.info('Instance %s is no longer ours to build', uuid)
        except exception.TaskCancelled:
            # The reaper has put the instance in ERROR with the fault, or the
            # service is stopping and the next start's recovery settles it.
            self._destroy_quietly(context, instance)
            self.volumes.release(context, instance)
        except exception.BuildAbortException as exc:
            self._abort(context, instance, exc)
        except Exception as exc:
            LOG.warning('Build of instance %s failed on %s: %s', uuid, self.host, exc)
            self._destroy_quietly(context, instance)
            self.volumes.release(context, instance)
            self._reschedule_or_fail(context, instance, spec, filter_properties, host_list, exc)

    def _build_and_run(self, context, instance, spec):
        # A state is announced only before work that can take time: no
        # networking step for a server without networks, and no
        # block_device_mapping step until there are volumes to prepare.
        # The build's event starts with the first step and ends with the last.
        network_info, previous = [], vm_states.SCHEDULING
        event = events.started(_BUILD_EVENT, self.host)
        if spec.get('requested_networks') != 'none':
            self._step(context, instance, vm_states.NETWORKING, previous, event, read_back=False)
            network_info = self.conductor.network_allocate(context, instance['uuid'], self.host)
            previous, event = vm_states.NETWORKING, None
        bdms = self.conductor.bdm_get_by_instance(context, instance['uuid'])
        if bdms:
            self._step(context, instance, vm_states.BLOCK_DEVICE_MAPPING, previous, event,
                       read_back=False)
            bdms = self.volumes.prepare(context, instance, bdms)
            previous, event = vm_states.BLOCK_DEVICE_MAPPING, None
        instance = self._step(context, instance, vm_states.SPAWNING, previous, event)
        # A server booted from a volume has no image_ref: its image (if any)
        # is the one its boot volume was made from, kept in the request spec.
        image_meta = self.images.show(instance['image_ref']) if instance['image_ref'] \
            else dict(spec.get('image') or {})
        try:
            self.driver.spawn(context, instance, image_meta,
                              _injected_files(spec),
                              spec.get('admin_password'), network_info,
                              block_device_info=boot_volumes.block_device_info(bdms))
        except exception.ImageUnacceptable as exc:
            # A bad image is bad on every host: rescheduling would only hide why.
            raise exception.BuildAbortException(instance_uuid=instance['uuid'],
                                                reason=exc.format_message()) from exc
        self.volumes.complete(context, bdms)
        self._step(context, instance, None, vm_states.SPAWNING,
                   events.succeeded(_BUILD_EVENT, self.host), read_back=False,
                   vm_state=vm_states.ACTIVE, power_state=power_state.RUNNING,
                   launched_at=timeutils.utcnow())

    def _step(self, context, instance, task_state, expected, action_event=None,
              read_back=True, **values):
        """Move the build on, only if the instance is still ours and where we left it.

        Returns the instance as the step left it if ``read_back``; the spawn
        step's is what the driver builds from.
        """
        try:
            return self.conductor.instance_update(
                context, instance['uuid'], dict(values, task_state=task_state),
                expected_task_state=expected, expected_host=self.host,
                action_event=action_event, read_back=read_back)
        except GONE:
            raise _NotOurs() from None

    def _destroy_quietly(self, context, instance):
        destroy_quietly(self.driver, self.conductor, context, instance)

    def _reschedule_or_fail(self, context, instance, spec, filter_properties, host_list, exc):
        uuid = instance['uuid']
        self._fault(context, uuid, exc)
        if host_list is None or 'retry' not in filter_properties:
            self.set_error(context, instance, exc)
            return
        try:
            self.conductor.network_deallocate(context, uuid)
            instance = self.conductor.instance_update(
                context, uuid, {'task_state': vm_states.SCHEDULING, 'host': None, 'node': None},
                expected_task_state=[vm_states.SPAWNING, *_BUILD_STEPS])
        except GONE:
            return
        self.compute_task.build_instances(context, [instance], spec, filter_properties,
                                          host_lists=[host_list])

    def _fault(self, context, uuid, exc):
        events.record_fault(self.conductor, context, uuid, exc, self.host)

    def _abort(self, context, instance, exc):
        """Fail a build no host can do, leaving nothing held: guest, address, claim.

        Like Nova's build abort, it clears host and node: the instance is then
        on no node, so the next resource report frees its claim, and deleting
        it needs no compute host.
        """
        uuid = instance['uuid']
        self._destroy_quietly(context, instance)
        self.volumes.release(context, instance)
        self._fault(context, uuid, exc)
        try:
            self.conductor.network_deallocate(context, uuid)
            self.conductor.instance_update(context, uuid, {
                'vm_state': vm_states.ERROR, 'task_state': None, 'host': None, 'node': None},
                read_back=False)
        except exception.InstanceNotFound:
            pass

    def set_error(self, context, instance, exc):
        """Put an instance this host could not build into ERROR with a fault."""
        self._fault(context, instance['uuid'], exc)
        try:
            self.conductor.instance_update(context, instance['uuid'],
                                           {'vm_state': vm_states.ERROR, 'task_state': None},
                                           read_back=False)
        except exception.InstanceNotFound:
            pass
