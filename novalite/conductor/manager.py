"""Server side of the conductor: the database proxy compute hosts call.

Compute hosts hold no database credentials; every row they read or write goes
through these methods. Each is one unit of work run again whole if the
database connection drops under it, so that a database restart delays a
compute host's step instead of failing its build. The build orchestration lives in
:mod:`novalite.conductor.build` and is served beside this endpoint.
"""

import datetime

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_service import periodic_task
from oslo_utils import timeutils

from novalite import exception, objects
from novalite.conductor import build, reaper
from novalite.conf import CONF
from novalite.db import (
    actions,
    block_device_mappings,
    claims,
    engine,
    instances,
    server_migrations,
    services,
    task_log,
)
from novalite.network import api as network_api
from novalite.service import Manager

LOG = logging.getLogger(__name__)


def _under_request(context, action_event):
    return action_event and dict(action_event, request_id=context.request_id)


def _datetime(value):
    """A datetime sent as ISO 8601 text (or, in process, as itself)."""
    return value if isinstance(value, datetime.datetime) else \
        datetime.datetime.fromisoformat(value)


def _answer(record, object_versions, cls=objects.Instance):
    """A record read for a caller: a dict, or a ``cls`` object at the caller's versions.

    ``object_versions`` (instances 1.3, block device mappings 1.9, services
    1.10, compute nodes and migrations 1.11) is the caller's ``{object name:
    version}``; a caller that sends none is older and takes dicts.
    """
    if record is None or object_versions is None:
        return record
    return objects.base.primitive_at(cls.from_dict(record), object_versions)


# What a compute host older than 1.11 reads of an evacuation record.
_EVACUATION_KEYS = ('uuid', 'instance_uuid', 'status', 'source_compute', 'source_node',
                    'dest_compute', 'dest_node')


class ConductorManager(periodic_task.PeriodicTasks, Manager):
    target = messaging.Target(version='1.11')

    def __init__(self, host=None):
        super().__init__(CONF)
        self.host = host
        self.compute_task_mgr = build.ComputeTaskManager()
        self.additional_endpoints = [self.compute_task_mgr]
        # Read now, not when the module was imported.
        self._periodic_spacing = dict(self._periodic_spacing,
                                      _reap_task_states=CONF.reap_interval)

    def post_start_hook(self, context):
        # Its wait for the database at start was no time to hear heartbeats in.
        self.compute_task_mgr.heard_since = timeutils.utcnow()
        self.compute_task_mgr.drains.resume()

    def cleanup_host(self):
        # Queued builds are scheduled before the conductor goes, within
        # graceful_shutdown_timeout; a kill leaves them to lost-build recovery.
        self.compute_task_mgr.tasks.waitall()

    @periodic_task.periodic_task(spacing=10, run_immediately=True)
    def _recover_lost_builds(self, context):
        self.compute_task_mgr.recover_lost_builds(context)

    @periodic_task.periodic_task(spacing=60, run_immediately=True)
    def _settle_abandoned_moves(self, context):
        for migration_uuid in server_migrations.settle_abandoned(
                CONF.conductor.abandoned_move_timeout):
            LOG.warning('Migration %s was left mid-way by a host that stopped; it is now '
                        'error and its server keeps the claim of the host it is on',
                        migration_uuid)

    @periodic_task.periodic_task(spacing=30, run_immediately=True)
    def _reap_task_states(self, context):
        reaper.reap(context)

    @engine.retry_on_disconnect
    def service_join(self, context, host, binary, topic, object_versions=None):
        return _answer(services.service_get_or_create(host, binary, topic), object_versions,
                       objects.Service)

    @engine.retry_on_disconnect
    def service_heartbeat(self, context, service_id, object_versions=None):
        return _answer(services.service_heartbeat(service_id), object_versions,
                       objects.Service)

    @engine.retry_on_disconnect
    def compute_node_report(self, context, host, nodename, resources,
                            object_versions=None):
        """Write a node's totals and answer its row: ``resources`` is a
        NodeResources (1.10) or an older compute's dict of the same keys, read alike."""
        node = services.compute_node_report(host, nodename, resources)
        claims.heal_node(node['id'])
        return _answer(services.compute_node_get(node['id']), object_versions,
                       objects.ComputeNode)

    @engine.retry_on_disconnect
    def instance_get(self, context, instance_uuid, object_versions=None):
        return _answer(instances.instance_get(instance_uuid), object_versions)

    @engine.retry_on_disconnect
    def instance_get_all_by_host(self, context, host, object_versions=None):
        return [_answer(instance, object_versions)
                for instance in instances.instance_get_all_by_host(host)]

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.UnexpectedTaskStateError)
    @engine.retry_on_disconnect
    def instance_update(self, context, instance_uuid, values, expected_task_state=None,
                        expected_vm_state=None, expected_host=None, action_event=None,
                        read_back=True, object_versions=None):
        return _answer(instances.instance_update(
            instance_uuid, values, expected_task_state=expected_task_state,
            expected_vm_state=expected_vm_state, expected_host=expected_host,
            action_event=_under_request(context, action_event), read_back=read_back),
            object_versions)

    @engine.retry_on_disconnect
    def instance_destroy(self, context, instance_uuid, action_event=None):
        """Delete an instance for good: its claims, its addresses, then the row."""
        claims.release(instance_uuid)
        network_api.deallocate_for_instance(context, instance_uuid)
        block_device_mappings.bdm_destroy_by_instance(instance_uuid)
        instances.instance_destroy(instance_uuid, _under_request(context, action_event))

    @engine.retry_on_disconnect
    def instance_fault_create(self, context, instance_uuid, code, message, details=None,
                              host=None):
        return actions.fault_create(instance_uuid, code, message, details, host)

    @engine.retry_on_disconnect
    def action_event_start(self, context, instance_uuid, request_id, event, host):
        try:
            actions.event_start(instance_uuid, request_id, event, host)
        except exception.InstanceActionNotFound:
            LOG.debug('No action %s on %s to record %s under', request_id, instance_uuid, event)

    @engine.retry_on_disconnect
    def action_event_finish(self, context, instance_uuid, request_id, event, host, result,
                            traceback=None):
        try:
            actions.event_finish_named(instance_uuid, request_id, event, host, result,
                                       traceback)
        except exception.InstanceActionNotFound:
            LOG.debug('No action %s on %s to record %s under', request_id, instance_uuid, event)

    @engine.retry_on_disconnect
    def network_allocate(self, context, instance_uuid, host):
        return network_api.allocate_for_instance(context, instance_uuid, host)

    @engine.retry_on_disconnect
    def network_deallocate(self, context, instance_uuid):
        network_api.deallocate_for_instance(context, instance_uuid)

    @engine.retry_on_disconnect
    def network_get(self, context, instance_uuid):
        return network_api.get_network_info(instance_uuid)

    def migration_update(self, context, migration_uuid, values, expected_status=None,
                         object_versions=None):
        return _answer(server_migrations.migration_update(
            migration_uuid, values, expected_status=expected_status), object_versions,
            objects.Migration)

    def migration_settle_claims(self, context, migration_uuid, kept):
        server_migrations.settle_claims(migration_uuid, kept)

    def migration_get_in_progress(self, context, instance_uuid, migration_type=None,
                                  object_versions=None):
        return _answer(server_migrations.migration_get_in_progress(instance_uuid, migration_type),
                       object_versions, objects.Migration)

    def migration_complete_live(self, context, migration_uuid, values):
        server_migrations.complete_live(migration_uuid, values)

    @engine.retry_on_disconnect
    def instance_usage_audit(self, context, host, begin, end):
        return task_log.audit_host(host, _datetime(begin), _datetime(end))

    @engine.retry_on_disconnect
    def bdm_get_by_instance(self, context, instance_uuid, object_versions=None):
        return [_answer(bdm, object_versions, objects.BlockDeviceMapping)
                for bdm in block_device_mappings.bdm_get_by_instance(instance_uuid)]

    def bdm_update(self, context, bdm_uuid, values, object_versions=None):
        return _answer(block_device_mappings.bdm_update(bdm_uuid, values), object_versions,
                       objects.BlockDeviceMapping)

    def bdm_destroy(self, context, bdm_uuid):
        block_device_mappings.bdm_destroy(bdm_uuid)

    @engine.retry_on_disconnect
    def migration_get_evacuations(self, context, source_host, statuses,
                                  object_versions=None):
        """The evacuations as Migrations at the caller's versions (1.11), or to an
        older caller as dicts of the keys it reads."""
        found = server_migrations.migration_get_by_source(source_host, 'evacuation', statuses)
        if object_versions is None:
            return [{key: migration[key] for key in _EVACUATION_KEYS} for migration in found]
        return [_answer(migration, object_versions, objects.Migration) for migration in found]
