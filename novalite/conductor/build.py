"""Build orchestration: schedule servers, hand them to compute hosts, reschedule.

The API calls ``schedule_and_build_instances``; the conductor asks the
scheduler for hosts (which claims them atomically), records each instance's
host and casts ``build_and_run_instance`` to it with the alternates. A compute
host whose spawn failed casts ``build_instances`` back with ``host_lists``: the
conductor frees the failed claim and claims the next alternate, asking the
scheduler again once the alternates are exhausted, up to
``[scheduler] max_attempts``.

A build that finds no host while compute hosts have just gone down waits for
them to heartbeat again and tries once more: a broker restart lapses the
heartbeats of hosts that are fine, and the builds queued during it would
otherwise all fail. So does the conductor's own absence, however long, for
hosts that heartbeat through it: until they have had the time to reach the
conductor that came back, their silence is not theirs.

Builds are scheduled in arrival order, at most
``[conductor] max_concurrent_schedules`` at once, in a pool of their own: a
burst of new builds never holds up the compute hosts' calls to the conductor,
which finish the builds already under way.

The API's call is answered once its servers are placed. While the cloud is
behind, a burst of requests is thus held at the door rather than admitted
into a queue where every server waits behind all the others: servers finish
at the same rate, and each one's create→ACTIVE time stays that of its own
build instead of growing with the burst.
"""

import copy
import datetime

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_utils import timeutils

from novalite import concurrency, exception, objects, servicegroup
from novalite.compute import rpcapi as compute_rpcapi
from novalite.compute import vm_states
from novalite.conductor import drain, image_precache, migrate, rebuild, unshelve
from novalite.conf import CONF
from novalite.db import actions, claims, instances, services
from novalite.scheduler import rpcapi as scheduler_rpcapi
from novalite.scheduler.request_spec import from_instance as spec_from_instance

LOG = logging.getLogger(__name__)


class ComputeTaskManager:
    target = messaging.Target(namespace='compute_task', version='1.10')

    def __init__(self):
        self.scheduler = scheduler_rpcapi.SchedulerAPI()
        self.compute = compute_rpcapi.ComputeAPI()
        self.tasks = concurrency.GreenPool()
        self.moves = migrate.MoveTask(self.scheduler, self.compute)
        self.unshelver = unshelve.UnshelveTask(self.scheduler, self.compute)
        self.drains = drain.DrainTask(self.moves, self.compute, self.tasks)
        self.rebuilds = rebuild.RebuildTask(self.scheduler, self.compute)
        self.precache = image_precache.PrecacheTask(self.compute)
        self._slots = concurrency.Semaphore(CONF.conductor.max_concurrent_schedules)
        self._callers_waiting = 0
        # Compute hosts heartbeat through the conductor: silent while it was
        # away. The service resets this once it serves.
        self.heard_since = timeutils.utcnow()

    def schedule_and_build_instances(self, context, instances, request_spec):
        """Queue a new build; answer once it is placed, or after ``placement_wait_timeout``."""
        scheduled = concurrency.Event()
        self.tasks.spawn_n(self._build_with_slot, context, instances, request_spec, {}, None,
                           scheduled)
        # Each waiting caller holds an RPC executor worker: half of them stay
        # free for the compute hosts' calls, which finish the builds.
        if self._callers_waiting >= getattr(CONF, 'executor_thread_pool_size', 64) // 2:
            return
        self._callers_waiting += 1
        try:
            with concurrency.Timeout(CONF.conductor.placement_wait_timeout, False):
                scheduled.wait()
        finally:
            self._callers_waiting -= 1

    def migrate_server(self, context, instance, flavor, host=None):
        self.tasks.spawn_n(self._move, self.moves.migrate_server, context, instance, flavor,
                           host)

    def live_migrate_instance(self, context, instance, host=None, block_migration=None,
                              force=False):
        self.tasks.spawn_n(self._move, self.moves.live_migrate_instance, context, instance,
                           host, block_migration, force)

    def unshelve_instance(self, context, instance, availability_zone=None, host=None):
        self.tasks.spawn_n(self._move, self.unshelver.unshelve_instance, context, instance,
                           availability_zone, host)
    def rebuild_instance(self, context, instance, orig_image_ref, image_ref, injected_files,
                         new_pass, preserve_ephemeral=False, recreate=False, host=None,
                         force=False, migration=None, target_state=None):
        """Rebuild on the server's host, or evacuate it (``recreate``) to another (1.5)."""
        self.tasks.spawn_n(self._move, self.rebuilds.rebuild_instance, context, instance,
                           orig_image_ref, image_ref, injected_files, new_pass,
                           preserve_ephemeral, recreate, host, force, migration, target_state)

    def drain_host(self, context, drain_uuid):
        self.drains.start(context, drain_uuid)

    def cache_images(self, context, aggregate_id, image_ids):
        """Pre-cache images on the aggregate's hosts, in the background (1.9)."""
        self.tasks.spawn_n(self.precache.cache_images, context, aggregate_id, image_ids)

    @staticmethod
    def _move(start, context, instance, *args):
        try:
            start(context, instance, *args)
        except Exception:
            LOG.exception('Starting the move of %s failed', instance['uuid'])

    def build_instances(self, context, instances, request_spec, filter_properties=None,
                        host_lists=None):
        """Queue the build; it is scheduled once a slot is free, in arrival order."""
        self.tasks.spawn_n(self._build_with_slot, context, instances, request_spec,
                           filter_properties or {}, host_lists)

    def _build_with_slot(self, context, instances, request_spec, filter_properties,
                         host_lists, scheduled=None, waited=False):
        """:param waited: this scheduling already waited once for lapsed compute hosts."""
        with self._slots:
            try:
                self._build(context, instances, request_spec, filter_properties, host_lists,
                            waited)
            except Exception:
                # Left in ``scheduling``: lost-build recovery schedules them again.
                LOG.exception('Scheduling the build of %s failed',
                              [instance['uuid'] for instance in instances])
            finally:
                if scheduled is not None:
                    scheduled.send()

    def _build(self, context, instances, request_spec, filter_properties, host_lists,
               waited=False):
        if host_lists:
            self._reschedule(context, instances[0], request_spec, filter_properties,
                             host_lists[0])
        else:
            self._schedule_and_build(context, instances, request_spec, filter_properties,
                                     waited)

    def _schedule_and_build(self, context, instance_list, request_spec, filter_properties,
                            waited=False):
        # A SchedulerRetries, or its dict from a compute host older than 1.10.
        retry = filter_properties.setdefault('retry', objects.SchedulerRetries.first())
        retry['num_attempts'] += 1
        uuids = [instance['uuid'] for instance in instance_list]
        spec = dict(request_spec, instance_uuids=uuids, num_instances=len(uuids),
                    ignore_hosts=sorted({host for host, _node in retry['hosts']}))
        try:
            host_lists = self.scheduler.select_destinations(context, spec, uuids,
                                                            return_alternates=True)
        except exception.NoValidHost as exc:
            if not waited and self._retry_once_computes_beat(context, instance_list,
                                                             request_spec, filter_properties):
                return
            LOG.info('No valid host for %s: %s', uuids, exc.format_message())
            for instance in instance_list:
                self._set_error(context, instance['uuid'], exc)
            return
        self._build_on(context, [(instance, hosts[0], hosts[1:])
                                 for instance, hosts in zip(instance_list, host_lists,
                                                            strict=True)],
                       spec, filter_properties)

    def _retry_once_computes_beat(self, context, instance_list, request_spec,
                                  filter_properties):
        """Schedule again, outside the slot, once lapsed compute hosts beat; or not at all.

        Returns whether it will. That it waited stays here: it is not for the
        compute hosts, and filter_properties carry only what they read.
        """
        lapsed = _lapsed_computes(self.heard_since)
        if not lapsed:
            return False
        LOG.warning('No valid host for %s while compute hosts %s are down; scheduling again '
                    'once they heartbeat', [i['uuid'] for i in instance_list], sorted(lapsed))
        filter_properties['retry']['num_attempts'] -= 1
        self.tasks.spawn_n(self._build_once_up, lapsed, context, instance_list, request_spec,
                           filter_properties)
        return True

    def _build_once_up(self, lapsed, context, instance_list, request_spec, filter_properties):
        # One heartbeat round at a time, for as long as a host may take to
        # be seen down: a host that has not beaten by then is really gone.
        for _round in range(max(1, CONF.service_down_time // CONF.report_interval)):
            concurrency.sleep(CONF.report_interval)
            if _lapsed_computes(self.heard_since) != lapsed:
                break
        # Lost-build recovery may have scheduled some meanwhile.
        waiting = [instance for instance in instance_list if _unplaced(instance['uuid'])]
        if waiting:
            self._build_with_slot(context, waiting, request_spec, filter_properties, None,
                                  waited=True)

    def _build_on(self, context, choices, spec, filter_properties):
        """Record each instance's host, then cast its build there with its alternates.

        ``choices`` are ``(instance, selection, alternates)``; an instance
        deleted while it was being scheduled has its claim freed instead.
        """
        placed = set(instances.instances_place(
            {instance['uuid']: (selection['host'], selection['nodename'],
                                selection['availability_zone'])
             for instance, selection, _alternates in choices}))
        # Each compute builds one instance: the request's full uuid list would
        # make a multi-create's casts grow with the square of its size.
        spec = {key: value for key, value in spec.items() if key != 'instance_uuids'}
        for instance, selection, alternates in choices:
            uuid = instance['uuid']
            if uuid not in placed:
                _free_unplaced_claim(uuid, selection)
                continue
            host, node = selection['host'], selection['nodename']
            properties = copy.deepcopy(filter_properties)
            properties['retry']['hosts'].append([host, node])
            # Not read back: the compute host's first step returns it fresh.
            instance = objects.Instance.coerce(instance)
            instance.update({'host': host, 'node': node, 'launched_on': host,
                             'availability_zone': selection['availability_zone']})
            self.compute.build_and_run_instance(context, host, instance, node, spec,
                                               properties, alternates)

    def _reschedule(self, context, instance, request_spec, filter_properties, alternates):
        uuid = instance['uuid']
        retry = filter_properties['retry']
        claims.release(uuid)
        if retry['num_attempts'] >= CONF.scheduler.max_attempts:
            reason = (f"Exceeded maximum number of retries. Exhausted all hosts available "
                      f"for retrying build failures for instance {uuid}.")
            self._set_error(context, uuid, exception.MaxRetriesExceeded(reason=reason))
            return
        tried = {tuple(pair) for pair in retry['hosts']}
        for index, alternate in enumerate(alternates):
            if (alternate['host'], alternate['nodename']) in tried:
                continue
            # The group's hard policy holds for a retry too.
            if claims.claim(uuid, alternate['compute_node_id'], alternate['resources'],
                            request_spec.get('instance_group')):
                retry['num_attempts'] += 1
                self._build_on(context, [(instance, alternate, alternates[index + 1:])],
                               request_spec, filter_properties)
                return
        self._schedule_and_build(context, [instance], request_spec, filter_properties)

    def _set_error(self, context, instance_uuid, exc):
        claims.release(instance_uuid)
        try:
            instances.instance_update(instance_uuid, {'vm_state': vm_states.ERROR,
                                                      'task_state': None})
        except exception.InstanceNotFound:
            return
        actions.fault_create(instance_uuid, getattr(exc, 'code', 500), exc.format_message(),
                             details=type(exc).__name__, host=CONF.host)

    def recover_lost_builds(self, context):
        """Schedule again the builds a dead conductor (or a lost message) left behind."""
        cutoff = timeutils.utcnow() - datetime.timedelta(
            seconds=CONF.conductor.build_recovery_timeout)
        for instance in instances.instance_take_stale_builds(vm_states.SCHEDULING, cutoff):
            uuid = instance['uuid']
            LOG.warning('Build of instance %s was lost; scheduling it again', uuid)
            claims.release(uuid)
            try:
                spec = instances.request_spec_get(uuid) or spec_from_instance(instance)
            except exception.InstanceNotFound:
                LOG.info('Instance %s was deleted before its build was recovered', uuid)
                continue
            self._schedule_and_build(context, [instance], spec, {})


def _unplaced(instance_uuid):
    try:
        instance = instances.instance_get(instance_uuid)
    except exception.InstanceNotFound:
        return False
    return instance['task_state'] == vm_states.SCHEDULING and not instance['host']


def _free_unplaced_claim(instance_uuid, selection):
    """Free the claim of a placement that did not happen, unless the instance holds it.

    The instance was deleted, or another scheduling of it (lost-build
    recovery) placed it first: on the same node, the claim is the one that
    placement holds, as claims are one per instance and node.
    """
    try:
        instance = instances.instance_get(instance_uuid)
    except exception.InstanceNotFound:
        LOG.info('Instance %s was deleted while scheduling; freeing its claim', instance_uuid)
        claims.release(instance_uuid)
        return
    if instance['node'] != selection['nodename']:
        LOG.info('Instance %s was placed elsewhere meanwhile; freeing its claim on %s',
                 instance_uuid, selection['nodename'])
        claims.release(instance_uuid, selection['compute_node_id'])


def _lapsed_computes(heard_since):
    """Compute hosts whose heartbeats lapsed lately (see :func:`servicegroup.has_lapsed`)."""
    now = timeutils.utcnow()
    return {service['host'] for service in services.service_get_all(binary='novalite-compute')
            if servicegroup.has_lapsed(service, now, heard_since)}
