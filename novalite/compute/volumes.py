"""Volumes on a compute host: attach, detach, and release at server delete (seed 004's flow).

The compute API has reserved the device name (the block device mapping) and
the volume (an attachment without connector). Here, under the instance's
lock: send this host's connector (:meth:`~novalite.virt.driver.ComputeDriver.get_volume_connector`),
receive connection_info, attach the disk to the guest live and persistently,
record connection_info on the mapping, complete the attachment. Any failure
undoes what was done, in reverse, and records a fault: nothing is left
half-attached. The volume API is reached only over HTTP
(:mod:`novalite.volume.cinder`), never the volume tables.
"""

from oslo_concurrency import lockutils
from oslo_log import log as logging

from novalite import exception
from novalite.compute import events
from novalite.volume import cinder

LOG = logging.getLogger(__name__)

ATTACH_EVENT = 'compute_attach_volume'
DETACH_EVENT = 'compute_detach_volume'
EXTEND_EVENT = 'compute_extend_volume'
GiB = 1024 ** 3


class VolumeOps:
    def __init__(self, host, driver, conductor, volume_api=None):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self.volume_api = volume_api or cinder.API()

    def attach(self, context, instance, bdm):
        uuid = instance['uuid']
        with lockutils.lock(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, ATTACH_EVENT,
                                         self.host):
                    self._attach(context, instance, bdm)
            except Exception as exc:
                LOG.warning("Attaching volume %s to %s failed: %s", bdm['volume_id'], uuid,
                            exc)
                self._fault(context, uuid, exc)
                self._forget(context, bdm)

    def _attach(self, context, instance, bdm):
        connector = self.driver.get_volume_connector(instance)
        attachment = self.volume_api.attachment_update(
            context, bdm['attachment_id'], connector, bdm['device_name'])
        info = attachment['connection_info']
        info['serial'] = bdm['volume_id']
        info['data'].setdefault('volume_id', bdm['volume_id'])
        self.driver.attach_volume(context, info, instance, bdm['device_name'])
        try:
            self.conductor.bdm_update(context, bdm['uuid'], {'connection_info': info})
            self.volume_api.attachment_complete(context, bdm['attachment_id'])
        except Exception:
            self.driver.detach_volume(context, info, instance, bdm['device_name'])
            raise
        LOG.info("Volume %s attached to %s at %s", bdm['volume_id'], instance['uuid'],
                 bdm['device_name'])

    def _forget(self, context, bdm):
        """Free the volume and the device name of a failed attach."""
        try:
            self.volume_api.attachment_delete(context, bdm['attachment_id'])
        except Exception:
            LOG.exception("Could not delete attachment %s", bdm['attachment_id'])
        self.conductor.bdm_destroy(context, bdm['uuid'])

    def _fault(self, context, uuid, exc):
        message = exc.format_message() if isinstance(exc, exception.NovaliteException) \
            else str(exc)
        try:
            self.conductor.instance_fault_create(context, uuid, getattr(exc, 'code', 500),
                                                 message[:255], type(exc).__name__,
                                                 self.host)
        except exception.InstanceNotFound:
            pass

    def detach(self, context, instance, bdm):
        uuid = instance['uuid']
        with lockutils.lock(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, DETACH_EVENT,
                                         self.host):
                    self._detach(context, instance, self._recorded(context, instance, bdm))
            except Exception as exc:
                LOG.warning("Detaching volume %s from %s failed: %s", bdm['volume_id'], uuid,
                            exc)
                self._fault(context, uuid, exc)
                self._roll_detaching(context, bdm['volume_id'])

    def _recorded(self, context, instance, bdm):
        """``bdm`` as recorded now, read under the instance's lock (as Nova's
        ``detach_volume`` does): the API read it before marking the volume
        detaching, and an attach that completed in between recorded the
        connection_info that mapping lacks. The mapping sent is kept where
        none is found (a conductor too old to read mappings).
        """
        return self._mapping(context, instance, bdm['volume_id']) or bdm

    def _mapping(self, context, instance, volume_id):
        """The instance's mapping of ``volume_id``, or None."""
        return next((bdm for bdm in self.conductor.bdm_get_by_instance(context, instance['uuid'])
                     if bdm['volume_id'] == volume_id), None)

    def _roll_detaching(self, context, volume_id):
        """The volume stays attached: ``in-use`` again, so it may be detached later."""
        try:
            self.volume_api.roll_detaching(context, volume_id)
        except Exception:
            LOG.exception("Could not roll back the detach of volume %s", volume_id)

    def _detach(self, context, instance, bdm):
        if bdm.get('connection_info'):
            self.driver.detach_volume(context, bdm['connection_info'], instance,
                                      bdm['device_name'])
        if bdm.get('attachment_id'):
            self.volume_api.attachment_delete(context, bdm['attachment_id'])
        self.conductor.bdm_destroy(context, bdm['uuid'])
        LOG.info("Volume %s detached from %s", bdm['volume_id'], instance['uuid'])

    def extend(self, context, instance, volume_id):
        """The volume grew (a ``volume-extended`` event): grow the disk the guest sees.

        The mapping takes the volume's new size; the driver resizes the
        guest's disk. A failure leaves a fault; the guest sees the size at
        its next start anyway.
        """
        uuid = instance['uuid']
        with lockutils.lock(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, EXTEND_EVENT,
                                         self.host):
                    self._extend(context, instance, volume_id)
            except Exception as exc:
                LOG.warning("Extending volume %s of %s failed: %s", volume_id, uuid, exc)
                self._fault(context, uuid, exc)

    def _extend(self, context, instance, volume_id):
        bdm = self._mapping(context, instance, volume_id)
        if bdm is None:
            LOG.warning("Volume %s grew but is not attached to %s", volume_id,
                        instance['uuid'])
            return
        size = self.volume_api.get(context, volume_id)['size']
        self.conductor.bdm_update(context, bdm['uuid'], {'volume_size': size})
        if bdm.get('connection_info'):
            self.driver.extend_volume(context, bdm['connection_info'], instance, size * GiB)
            LOG.info("Volume %s of %s is now %d GiB in the guest", volume_id,
                     instance['uuid'], size)

    def reconcile(self, context, instance):
        """At start-up: settle each mapping with the guest's disks, as a crash left them.

        An attach cut short leaves a mapping (and a reserved or attaching
        volume) whose disk the guest lacks, or a disk whose connection_info
        was never recorded: both are undone, so the volume is ``available``
        again. A disk attached and recorded whose attachment was never
        completed is completed: the volume is ``in-use``. A detach cut short
        (disk gone, mapping left) is finished; one that never reached the
        guest (disk there, volume ``detaching``) is rolled back to ``in-use``.
        Logged, never raised.
        """
        present = self.driver.volume_ids(instance)
        if present is None:
            return
        for bdm in self.conductor.bdm_get_by_instance(context, instance['uuid']):
            if not bdm.get('volume_id') or bdm.get('boot_index') == 0:
                continue
            try:
                self._reconcile_one(context, instance, bdm, bdm['volume_id'] in present)
            except Exception:
                LOG.exception("Could not reconcile volume %s of %s", bdm['volume_id'],
                              instance['uuid'])

    def _reconcile_one(self, context, instance, bdm, present):
        if present and bdm.get('connection_info'):
            status = self.volume_api.get(context, bdm['volume_id'])['status']
            if status == 'attaching':
                LOG.info("Completing the attach of volume %s to %s", bdm['volume_id'],
                         instance['uuid'])
                self.volume_api.attachment_complete(context, bdm['attachment_id'])
            elif status == 'detaching':
                # The detach never reached the guest: attached, as before it was asked.
                LOG.info("Rolling back the unfinished detach of volume %s from %s",
                         bdm['volume_id'], instance['uuid'])
                self.volume_api.roll_detaching(context, bdm['volume_id'])
            return
        LOG.warning("Undoing the unfinished attach or detach of volume %s on %s",
                    bdm['volume_id'], instance['uuid'])
        if present:
            # Attached, but connection_info never recorded: only the volume id is known.
            self.driver.detach_volume(context, {'data': {'volume_id': bdm['volume_id']}},
                                      instance, bdm['device_name'])
        if bdm.get('attachment_id'):
            self.volume_api.attachment_delete(context, bdm['attachment_id'])
        self.conductor.bdm_destroy(context, bdm['uuid'])

    def release_all(self, context, instance):
        """At server delete, after the guest is gone: free each volume, delete those asked.

        Failures are logged, not raised: the server's delete goes on.
        """
        for bdm in self.conductor.bdm_get_by_instance(context, instance['uuid']):
            if bdm.get('connection_info'):
                try:
                    self.driver.detach_volume(context, bdm['connection_info'], instance,
                                              bdm['device_name'])
                except Exception:
                    LOG.exception("Could not disconnect volume %s", bdm['volume_id'])
            release(self.volume_api, context, bdm)


    def keep_reserved_all(self, context, instance):
        """At shelve offload, after the guest is gone: disconnect each volume and keep
        it the server's (Nova's ``_terminate_volume_connections``).

        An attachment without connector (the volume ``reserved``) replaces the
        one that carried this host's connection, so the host that unshelves
        the server sends its own. Failures are logged: the offload goes on.
        """
        for bdm in self.conductor.bdm_get_by_instance(context, instance['uuid']):
            if not bdm.get('attachment_id'):
                continue
            try:
                self.keep_reserved(context, instance, bdm)
            except Exception:
                LOG.exception("Could not keep volume %s of %s reserved", bdm['volume_id'],
                              instance['uuid'])

    def keep_reserved(self, context, instance, bdm):
        """Disconnect ``bdm``'s volume from this host, keep it reserved for the server;
        returns the mapping (its new attachment, no connection_info)."""
        if bdm.get('connection_info'):
            self.driver.detach_volume(context, bdm['connection_info'], instance,
                                      bdm['device_name'])
        reserved = self.volume_api.attachment_create(context, bdm['volume_id'],
                                                     instance['uuid'])
        kept = self.conductor.bdm_update(context, bdm['uuid'], {'attachment_id': reserved['id'],
                                                                'connection_info': None})
        self.volume_api.attachment_delete(context, bdm['attachment_id'])
        return kept


def release(volume_api, context, bdm):
    """Delete a deleted server's attachment, and its volume if ``delete_on_termination``."""
    if not bdm.get('volume_id'):
        return
    try:
        if bdm.get('attachment_id'):
            volume_api.attachment_delete(context, bdm['attachment_id'])
        if bdm.get('delete_on_termination'):
            volume_api.delete(context, bdm['volume_id'])
    except Exception:
        LOG.exception("Could not release volume %s of deleted server %s", bdm['volume_id'],
                      bdm['instance_uuid'])
