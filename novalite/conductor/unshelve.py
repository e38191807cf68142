"""Unshelve orchestration: a shelved server back on its host, or scheduled anew.

The API has persisted ``unshelving``. A server still on its host
(``shelved``) is handed straight back to it to power on. An offloaded one
has no host: the conductor asks the scheduler for one (which claims it), in
the zone the API settled and on the host an admin named (2.91), records it,
and casts the spawn from the shelved snapshot there (a server booted from a
volume has none: it spawns from its boot volume, with the image it was
built from as its image's properties). Without a host the
server stays offloaded: the task is cleared and a fault says why.
"""

from oslo_log import log as logging

from novalite import exception
from novalite.compute import vm_states
from novalite.conf import CONF
from novalite.db import actions, block_device_mappings, claims, instances
from novalite.image import client as image_client
from novalite.scheduler.request_spec import from_instance as spec_from_instance

LOG = logging.getLogger(__name__)


class UnshelveTask:
    """``scheduler`` and ``compute`` are the RPC clients."""

    def __init__(self, scheduler, compute):
        self.scheduler = scheduler
        self.compute = compute

    def unshelve_instance(self, context, instance, availability_zone=None, host=None):
        if instance['vm_state'] == vm_states.SHELVED:
            self.compute.unshelve_instance(context, instance['host'], instance)
            return
        try:
            image = self._shelved_image(context, instance)
            selection = self._destination(context, instance, availability_zone, host)
        except exception.NovaliteException as exc:
            self._abandon(context, instance, exc)
            return
        try:
            instance = instances.instance_update(
                instance['uuid'], {'host': selection['host'], 'node': selection['nodename'],
                                   'availability_zone': selection['availability_zone']},
                expected_task_state=vm_states.UNSHELVING)
        except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
            LOG.info('Instance %s changed while it was scheduled for unshelve', instance['uuid'])
            claims.release(instance['uuid'])
            return
        self.compute.unshelve_instance(context, selection['host'], instance, image=image,
                                       node=selection['nodename'])

    @staticmethod
    def _shelved_image(context, instance):
        """The shelved snapshot's record; for a volume-backed server, the record of
        the image it was built from (``{}`` if none).

        :raises ImageNotFound: the snapshot is gone.
        """
        image_id = (instance['system_metadata'] or {}).get('shelved_image_id')
        if image_id:
            return image_client.get_image_service().show(image_id)
        if any(bdm.get('boot_index') == 0
               for bdm in block_device_mappings.bdm_get_by_instance(instance['uuid'])):
            return dict((instances.request_spec_get(instance['uuid']) or {}).get('image')
                        or {})
        raise exception.Invalid(f"Server {instance['uuid']} has no shelved image")

    def _destination(self, context, instance, availability_zone, host):
        # An offloaded server holds no claim; one its old host has not
        # healed yet must not count twice.
        claims.release(instance['uuid'])
        spec = instances.request_spec_get(instance['uuid']) or spec_from_instance(instance)
        spec = dict(spec, num_instances=1, instance_uuids=[instance['uuid']], ignore_hosts=[],
                    force_hosts=[], force_nodes=[], requested_host=host,
                    availability_zone=availability_zone)
        [[selection, *_alternates]] = self.scheduler.select_destinations(
            context, spec, [instance['uuid']], return_alternates=False)
        return selection

    @staticmethod
    def _abandon(context, instance, exc):
        message = exc.format_message()
        LOG.info('Unshelve of %s ended before it began: %s', instance['uuid'], message)
        try:
            instances.instance_update(instance['uuid'], {'task_state': None},
                                      expected_task_state=vm_states.UNSHELVING)
        except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
            return
        actions.fault_create(instance['uuid'], getattr(exc, 'code', 500), message,
                             details=type(exc).__name__, host=CONF.host)
