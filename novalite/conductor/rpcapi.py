"""Client side of the conductor's two RPC interfaces.

Both live on the ``conductor`` topic: :class:`ConductorAPI` is the database
proxy compute hosts use (they hold no DB credentials); :class:`ComputeTaskAPI`
(namespace ``compute_task``) starts long-running tasks such as builds.

ConductorAPI version history:

* 1.0 - Initial version: service_join, service_heartbeat,
  compute_node_report, instance_get, instance_get_all_by_host,
  instance_update, instance_destroy, instance_fault_create,
  action_event_start, action_event_finish, network_allocate,
  network_deallocate, network_get.
* 1.1 - instance_update and instance_destroy record an action_event in the
  same transaction; instance_destroy returns nothing.
* 1.2 - instance_update takes read_back; False answers None instead of the
  instance.
* 1.3 - instance_get, instance_get_all_by_host and instance_update take
  object_versions, the caller's ``{object name: version}``, and answer
  Instance objects at those versions instead of dicts.
* 1.4 - Added migration_update and migration_settle_claims (moves).
* 1.5 - Block device mappings: bdm_get_by_instance, bdm_update, bdm_destroy.
* 1.6 - Added migration_get_evacuations (a restarted host's clean-up).
* 1.7 - migration_get_in_progress and migration_complete_live (a live migration's
  end in one transaction).
* 1.8 - instance_usage_audit (a host's run of the usage audit of a period).
* 1.9 - bdm_get_by_instance and bdm_update take object_versions and answer
  BlockDeviceMapping objects instead of dicts.
* 1.10 - compute_node_report's resources are a NodeResources; service_join
  and service_heartbeat take object_versions and answer Service objects.
* 1.11 - compute_node_report, migration_get_evacuations, migration_update
  and migration_get_in_progress take object_versions and answer a
  ComputeNode and Migration objects instead of dicts.

ComputeTaskAPI version history:

* 1.0 - Initial version: build_instances.
* 1.1 - Added schedule_and_build_instances.
* 1.2 - Instances are Instance objects, request_spec a RequestSpec and
  host_lists lists of Selections.
* 1.3 - RequestSpec 1.1: the server group and the personality files.
* 1.4 - Added migrate_server and live_migrate_instance.
* 1.5 - Added rebuild_instance (rebuild, and evacuate with recreate).
* 1.6 - Added unshelve_instance.
* 1.8 - Added drain_host (host drains).
* 1.9 - Added cache_images (image pre-caching on an aggregate's hosts).
* 1.10 - build_instances' filter_properties carry the retry record as a
  SchedulerRetries.
"""

from novalite import exception, objects, rpc
from novalite.conf import CONF
from novalite.objects import scheduler_retries

TOPIC = 'conductor'

# The object versions readers know, at each RPC version that changed them (a
# reader at a version between two entries knows the older's; see rpc.object_versions_at).
# What the conductor answers goes at the versions the caller names instead.
OBJECT_HISTORY = {
    '1.10': {'NodeResources': '1.0'},
}

TASK_OBJECT_HISTORY = {
    '1.2': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.0', 'Selection': '1.0'},
    '1.3': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.1', 'Selection': '1.0'},
    '1.4': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.2', 'Selection': '1.0'},
    '1.5': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.2', 'Selection': '1.0',
            'Migration': '1.0'},
    '1.10': {'Instance': '1.1', 'Flavor': '1.0', 'RequestSpec': '1.2', 'Selection': '1.0',
             'Migration': '1.0', 'SchedulerRetries': '1.0'},
}


def _instance(answer):
    """An answered instance as an Instance: older conductors answer a dict."""
    return None if answer is None else objects.Instance.coerce(answer)


class ConductorAPI:
    VERSION = '1.11'

    def __init__(self):
        self.client = rpc.get_client(TOPIC, '1.0', version_cap=CONF.upgrade_levels.conductor,
                                     object_history=OBJECT_HISTORY)

    def _call(self, context, method, timeout=None, **kwargs):
        return self.client.prepare(version='1.0', timeout=timeout).call(context, method,
                                                                         **kwargs)

    def _read(self, context, method, **kwargs):
        """Call a method that answers instances; they come back as this code's objects.

        A 1.3 conductor answers them at the object versions this code
        knows; an older one answers dicts.
        """
        if self.client.can_send_version('1.3'):
            return self.client.prepare(version='1.3').call(
                context, method, object_versions=objects.base.manifest(), **kwargs)
        return self._call(context, method, **kwargs)

    def _service(self, context, method, timeout, **kwargs):
        """Call a method that answers the service's row; it comes back as a Service.

        A 1.10 conductor answers it at the object versions this code knows;
        an older one answers a dict.
        """
        if self.client.can_send_version('1.10'):
            answer = self.client.prepare(version='1.10', timeout=timeout).call(
                context, method, object_versions=objects.base.manifest(), **kwargs)
        else:
            answer = self._call(context, method, timeout=timeout, **kwargs)
        return objects.Service.coerce(answer)

    def service_join(self, context, host, binary, topic, timeout=None):
        """The service's row, created on first join.

        ``timeout`` (seconds, default ``rpc_response_timeout``) bounds the wait
        for an answer, here and in :meth:`service_heartbeat`.
        """
        return self._service(context, 'service_join', timeout, host=host, binary=binary,
                             topic=topic)

    def service_heartbeat(self, context, service_id, timeout=None):
        """Record that the service is alive; returns its refreshed row (a Service)."""
        return self._service(context, 'service_heartbeat', timeout, service_id=service_id)

    def compute_node_report(self, context, host, nodename, resources):
        """Write the totals of ``nodename`` (a NodeResources or its dict); returns the
        node's row as a ComputeNode.

        A 1.11 conductor answers it at the object versions this code knows;
        an older one answers a dict. A conductor capped below 1.10 gets the
        resources as a dict.
        """
        resources = objects.NodeResources.coerce(resources)
        kwargs = {'host': host, 'nodename': nodename, 'resources': resources}
        if self.client.can_send_version('1.11'):
            answer = self.client.prepare(version='1.11').call(
                context, 'compute_node_report', object_versions=objects.base.manifest(),
                **kwargs)
        elif self.client.can_send_version('1.10'):
            answer = self.client.prepare(version='1.10').call(context, 'compute_node_report',
                                                               **kwargs)
        else:
            answer = self._call(context, 'compute_node_report',
                                **dict(kwargs, resources=resources.to_dict()))
        return objects.ComputeNode.coerce(answer)

    def instance_get(self, context, instance_uuid):
        """:returns: the Instance. :raises InstanceNotFound:"""
        return _instance(self._read(context, 'instance_get', instance_uuid=instance_uuid))

    def instance_get_all_by_host(self, context, host):
        """:returns: the host's live Instances."""
        return [_instance(instance) for instance in
                self._read(context, 'instance_get_all_by_host', host=host)]

    def instance_update(self, context, instance_uuid, values, expected_task_state=None,
                        expected_vm_state=None, expected_host=None, action_event=None,
                        read_back=True):
        """Update an instance from the expected states; returns it.

        ``read_back=False`` tells the conductor the caller has no use for
        the updated instance: a 1.2 conductor answers None instead of
        reading it and sending it back. ``action_event``: see
        :meth:`_call_with_event`.
        """
        kwargs = {'instance_uuid': instance_uuid, 'values': values,
                  'expected_task_state': expected_task_state,
                  'expected_vm_state': expected_vm_state, 'expected_host': expected_host}
        if self.client.can_send_version('1.3'):
            return _instance(self._read(context, 'instance_update', action_event=action_event,
                                        read_back=read_back, **kwargs))
        if not read_back and self.client.can_send_version('1.2'):
            return self.client.prepare(version='1.2').call(
                context, 'instance_update', action_event=action_event, read_back=False,
                **kwargs)
        return _instance(self._call_with_event(context, 'instance_update', action_event,
                                               **kwargs))

    def instance_destroy(self, context, instance_uuid, action_event=None):
        """Delete an instance for good. ``action_event``: see :meth:`_call_with_event`."""
        self._call_with_event(context, 'instance_destroy', action_event,
                              instance_uuid=instance_uuid)

    def _call_with_event(self, context, method, action_event, **kwargs):
        """Call ``method`` on an instance, with its action event if given.

        ``action_event``, ``{'event', 'host'}`` and to end the event a
        ``'result'``, is recorded under the context's request in the same
        transaction as the change: a step and its bookkeeping are one
        message. A conductor capped at 1.0 gets the event as a cast of its
        own, a start before the call and an end after it.
        """
        if not action_event:
            return self._call(context, method, **kwargs)
        if self.client.can_send_version('1.1'):
            return self.client.prepare(version='1.1').call(context, method,
                                                           action_event=action_event, **kwargs)
        uuid, event, host = kwargs['instance_uuid'], action_event['event'], action_event['host']
        if 'result' not in action_event:
            self.action_event_start(context, uuid, context.request_id, event, host)
        result = self._call(context, method, **kwargs)
        if 'result' in action_event:
            self.action_event_finish(context, uuid, context.request_id, event, host,
                                     action_event['result'])
        return result

    def instance_fault_create(self, context, instance_uuid, code, message, details=None,
                              host=None):
        return self._call(context, 'instance_fault_create', instance_uuid=instance_uuid,
                          code=code, message=message, details=details, host=host)

    def action_event_start(self, context, instance_uuid, request_id, event, host):
        """Record the start of a step of an action.

        A call: its end, sent later, is a cast that another conductor worker
        may take at once, and must not overtake the start (it would find no
        event to end, or deadlock with the start's insert on the action).
        """
        self.client.prepare(version='1.0').call(
            context, 'action_event_start', instance_uuid=instance_uuid, request_id=request_id,
            event=event, host=host)

    def action_event_finish(self, context, instance_uuid, request_id, event, host, result,
                            traceback=None):
        """Record the end (``Success`` or ``Error``) of a step; a cast."""
        self.client.prepare(version='1.0').cast(
            context, 'action_event_finish', instance_uuid=instance_uuid, request_id=request_id,
            event=event, host=host, result=result, traceback=traceback)

    def network_allocate(self, context, instance_uuid, host):
        return self._call(context, 'network_allocate', instance_uuid=instance_uuid, host=host)

    def network_deallocate(self, context, instance_uuid):
        return self._call(context, 'network_deallocate', instance_uuid=instance_uuid)

    def network_get(self, context, instance_uuid):
        """The instance's ``network_info`` (empty when it holds no address)."""
        return self._call(context, 'network_get', instance_uuid=instance_uuid)

    # Block device mappings (1.5): a conductor that predates them has no
    # volumes to offer, and compute hosts must not send it volume work.

    def _call_bdm(self, context, method, **kwargs):
        return self.client.prepare(version='1.5').call(context, method, **kwargs)

    def _read_bdm(self, context, method, **kwargs):
        """Call a method that answers mappings; they come back as BlockDeviceMappings.

        A 1.9 conductor answers them at the object versions this code
        knows; a 1.5 one answers dicts.
        """
        if self.client.can_send_version('1.9'):
            return self.client.prepare(version='1.9').call(
                context, method, object_versions=objects.base.manifest(), **kwargs)
        return self._call_bdm(context, method, **kwargs)

    def bdm_get_by_instance(self, context, instance_uuid):
        """The instance's block device mappings, boot disk first."""
        if not self.client.can_send_version('1.5'):
            return []
        return [objects.BlockDeviceMapping.coerce(bdm) for bdm in self._read_bdm(
            context, 'bdm_get_by_instance', instance_uuid=instance_uuid)]

    def bdm_update(self, context, bdm_uuid, values):
        return objects.BlockDeviceMapping.coerce(self._read_bdm(
            context, 'bdm_update', bdm_uuid=bdm_uuid, values=values))

    def bdm_destroy(self, context, bdm_uuid):
        self._call_bdm(context, 'bdm_destroy', bdm_uuid=bdm_uuid)

    def instance_usage_audit(self, context, host, begin, end):
        """Audit ``host``'s servers of the period ``begin``..``end`` (naive UTC datetimes)
        unless it was; returns how many were audited, or None (1.8; an older
        conductor audits nothing)."""
        if not self.client.can_send_version('1.8'):
            return None
        return self.client.prepare(version='1.8').call(
            context, 'instance_usage_audit', host=host, begin=begin.isoformat(),
            end=end.isoformat())


    def _migration(self, context, method, since, **kwargs):
        """Call a method that answers a migration record (or None) as a Migration.

        A 1.11 conductor answers it at the object versions this code knows;
        an older one (down to ``since``) answers a dict.
        """
        if self.client.can_send_version('1.11'):
            found = self.client.prepare(version='1.11').call(
                context, method, object_versions=objects.base.manifest(), **kwargs)
        else:
            found = self.client.prepare(version=since).call(context, method, **kwargs)
        return None if found is None else objects.Migration.coerce(found)

    def migration_update(self, context, migration_uuid, values, expected_status=None):
        """Update a migration record; returns it (1.4)."""
        return self._migration(context, 'migration_update', '1.4',
                               migration_uuid=migration_uuid, values=values,
                               expected_status=expected_status)

    def migration_settle_claims(self, context, migration_uuid, kept):
        """End a move's double claim, keeping ``source`` or ``destination`` (1.4)."""
        self.client.prepare(version='1.4').call(
            context, 'migration_settle_claims', migration_uuid=migration_uuid, kept=kept)

    def migration_get_in_progress(self, context, instance_uuid, migration_type=None):
        """The instance's move under way or None (1.7)."""
        return self._migration(context, 'migration_get_in_progress', '1.7',
                               instance_uuid=instance_uuid, migration_type=migration_type)

    def migration_complete_live(self, context, migration_uuid, values):
        """Instance to ``values`` (host, node...), source claim released, record
        ``completed``: one transaction (1.7)."""
        self.client.prepare(version='1.7').call(
            context, 'migration_complete_live', migration_uuid=migration_uuid, values=values)


    def migration_get_evacuations(self, context, source_host, statuses):
        """Evacuations away from ``source_host`` in ``statuses``, as Migrations (1.6).

        A 1.11 conductor answers them at the object versions this code
        knows; a 1.6 one answers dicts of seven of their fields (uuid,
        instance_uuid, status, source and destination), read as Migrations
        with only those set. A conductor capped below 1.6 knows of none:
        nothing is cleaned up.
        """
        if not self.client.can_send_version('1.6'):
            return []
        kwargs = {'source_host': source_host, 'statuses': list(statuses)}
        if self.client.can_send_version('1.11'):
            found = self.client.prepare(version='1.11').call(
                context, 'migration_get_evacuations',
                object_versions=objects.base.manifest(), **kwargs)
        else:
            found = self.client.prepare(version='1.6').call(
                context, 'migration_get_evacuations', **kwargs)
        return [objects.Migration.coerce(migration) for migration in found]


class ComputeTaskAPI:
    VERSION = '1.10'

    def __init__(self):
        self.client = rpc.get_client(TOPIC, '1.0', version_cap=CONF.upgrade_levels.conductor,
                                     namespace='compute_task',
                                     object_history=TASK_OBJECT_HISTORY)

    def _payloads(self, instances, request_spec, host_lists=None):
        """The arguments as objects from 1.2, or as dicts for an older conductor."""
        if not self.client.can_send_version('1.2'):
            return tuple(objects.base.to_legacy(value)
                         for value in (list(instances), request_spec, host_lists))
        return ([objects.Instance.coerce(instance) for instance in instances],
                objects.RequestSpec.coerce(request_spec),
                host_lists and [[objects.Selection.coerce(selection) for selection in hosts]
                                for hosts in host_lists])

    def schedule_and_build_instances(self, context, instances, request_spec):
        """Schedule and build new ``instances``; returns once they are placed.

        Waits at most ``[conductor] placement_wait_timeout`` (then raises
        MessagingTimeout; the build stays queued). A conductor capped at 1.0
        gets the old cast.
        """
        if not self.client.can_send_version('1.1'):
            self.build_instances(context, instances, request_spec)
            return
        version = rpc.newest_sendable(self.client, ('1.3', '1.2', '1.1'))
        instances, request_spec, _host_lists = self._payloads(instances, request_spec)
        cctxt = self.client.prepare(version=version,
                                    timeout=CONF.conductor.placement_wait_timeout)
        cctxt.call(context, 'schedule_and_build_instances', instances=instances,
                   request_spec=request_spec)

    def build_instances(self, context, instances, request_spec, filter_properties=None,
                        host_lists=None):
        """Schedule and build ``instances``; a cast.

        ``filter_properties`` carries the ``retry`` record (a SchedulerRetries
        from 1.10, a dict of the same fields before) when a compute host asks
        for a reschedule, and ``host_lists`` the alternates the scheduler
        returned, one list per instance.
        """
        version = rpc.newest_sendable(self.client, ('1.10', '1.3', '1.2')) or '1.0'
        instances, request_spec, host_lists = self._payloads(instances, request_spec,
                                                             host_lists)
        filter_properties = scheduler_retries.filter_properties_for(filter_properties or {},
                                                                version == '1.10')
        self.client.prepare(version=version).cast(
            context, 'build_instances', instances=instances, request_spec=request_spec,
            filter_properties=filter_properties, host_lists=host_lists)

    def migrate_server(self, context, instance, flavor, host=None):
        """Resize ``instance`` to ``flavor`` or cold-migrate it (same flavor); a cast (1.4)."""
        self.client.prepare(version='1.4').cast(
            context, 'migrate_server', instance=objects.Instance.coerce(instance),
            flavor=objects.Flavor.coerce(flavor), host=host)

    def live_migrate_instance(self, context, instance, host=None, block_migration=None,
                              force=False):
        """Live-migrate ``instance`` to ``host`` or a scheduled host; a cast (1.4)."""
        self.client.prepare(version='1.4').cast(
            context, 'live_migrate_instance', instance=objects.Instance.coerce(instance),
            host=host,
            block_migration=block_migration, force=force)

    def unshelve_instance(self, context, instance, availability_zone=None, host=None):
        """Bring a shelved server back: powered on where it is, or scheduled anew when
        offloaded (in ``availability_zone`` and on ``host`` when given); a cast (1.6).

        ``availability_zone`` is the zone the API settled (the server's own,
        a new one, or None for any).
        """
        self.client.prepare(version='1.6').cast(
            context, 'unshelve_instance', instance=objects.Instance.coerce(instance),
            availability_zone=availability_zone, host=host)

    def rebuild_instance(self, context, instance, orig_image_ref, image_ref, injected_files=None,
                         new_pass=None, preserve_ephemeral=False, recreate=False, host=None,
                         force=False, migration=None, target_state=None):
        """Rebuild ``instance`` on its host, or with ``recreate`` evacuate it; a cast (1.5).

        :param injected_files: the personality files (``[{'path', 'contents'}]``,
            contents base64).
        :param host: the evacuation's destination (default: scheduled);
            ``force`` skips the scheduler's filters for it.
        :param migration: the evacuation's record.
        :param target_state: ``stopped`` leaves the evacuated server powered off (2.95).
        :raises Invalid: the conductors are capped below 1.5.
        """
        if not self.client.can_send_version('1.5'):
            raise exception.Invalid("The conductor is too old to rebuild servers")
        self.client.prepare(version='1.5').cast(
            context, 'rebuild_instance', instance=objects.Instance.coerce(instance),
            orig_image_ref=orig_image_ref, image_ref=image_ref,
            injected_files=list(injected_files or []), new_pass=new_pass,
            preserve_ephemeral=preserve_ephemeral, recreate=recreate, host=host, force=force,
            migration=migration and objects.Migration.coerce(migration),
            target_state=target_state)

    def drain_host(self, context, drain_uuid):
        """Run the recorded drain ``drain_uuid``; a cast (1.8)."""
        self.client.prepare(version='1.8').cast(context, 'drain_host', drain_uuid=drain_uuid)

    def cache_images(self, context, aggregate_id, image_ids):
        """Have every compute host of the aggregate fetch ``image_ids`` into its image
        cache; a cast (1.9).

        :raises Invalid: the conductors are capped below 1.9.
        """
        if not self.client.can_send_version('1.9'):
            raise exception.Invalid("The conductor is too old to pre-cache images")
        self.client.prepare(version='1.9').cast(context, 'cache_images',
                                                aggregate_id=aggregate_id,
                                                image_ids=list(image_ids))
