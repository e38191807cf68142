"""Server side of the volume service: owns the storage and targets of one storage host.

The API persists the state a request announces (creating, deleting,
extending, downloading) before casting here; each method does the slow step
and persists the end state. :meth:`VolumeManager.init_host` re-exports the
host's volumes (tgtd keeps nothing across restarts) and settles what a crash
interrupted: a volume or snapshot left ``creating`` is made again from
scratch (what was written of it is removed first), one left ``deleting`` is
deleted, one left ``downloading`` (half re-imaged) is in ``error``, as Cinder
leaves it.
"""

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_service import periodic_task
from oslo_utils import timeutils

from novalite import exception
from novalite.conf import CONF
from novalite.db import volume_snapshots as snapshot_db
from novalite.db import volumes as db
from novalite.image import local as local_image
from novalite.service import Manager
from novalite.volume import drivers, nova

LOG = logging.getLogger(__name__)

_EXPORTED = ('available', 'reserved', 'attaching', 'in-use', 'detaching', 'extending')


class VolumeManager(periodic_task.PeriodicTasks, Manager):
    target = messaging.Target(version='1.2')

    def __init__(self, host=None, driver=None):
        # The service runs every manager's periodic tasks; this one has none yet.
        super().__init__(CONF)
        self.host = host or CONF.host
        self.driver = driver or drivers.load_driver(CONF.volume.volume_driver, CONF)

    def init_host(self, context):
        # Snapshots first: a volume left creating may be made from one.
        for snapshot in snapshot_db.snapshot_get_all({'host': self.host}):
            self._recover_snapshot(context, snapshot)
        for volume in db.volume_get_all({'host': self.host}):
            self._recover(context, volume)

    def _recover(self, context, volume):
        status = volume['status']
        try:
            if status == 'creating':
                LOG.warning("Volume %s was being created when this host stopped; "
                            "creating it again", volume['uuid'])
                self.driver.delete_volume(volume)
                self.create_volume(context, volume['uuid'],
                                   None if volume['snapshot_id'] else volume['image_id'],
                                   volume['snapshot_id'])
            elif status == 'deleting':
                self.delete_volume(context, volume['uuid'])
            elif status == 'extending':
                db.volume_update(volume['uuid'], {'status': 'error_extending'})
            elif status == 'downloading':
                LOG.warning("Volume %s was being re-imaged when this host stopped: its data "
                            "is lost", volume['uuid'])
                db.volume_update(volume['uuid'], {'status': 'error'})
            elif status in _EXPORTED and volume['provider_auth']:
                self.driver.ensure_export(volume)
        except Exception:
            LOG.exception("Could not recover volume %s (%s)", volume['uuid'], status)

    def _recover_snapshot(self, context, snapshot):
        status = snapshot['status']
        try:
            if status == 'creating':
                LOG.warning("Snapshot %s was being taken when this host stopped; "
                            "taking it again", snapshot['uuid'])
                self.driver.delete_snapshot(snapshot)
                self.create_snapshot(context, snapshot['uuid'])
            elif status == 'deleting':
                self.delete_snapshot(context, snapshot['uuid'])
        except Exception:
            LOG.exception("Could not recover snapshot %s (%s)", snapshot['uuid'], status)

    def _fail(self, volume_id, status='error'):
        try:
            db.volume_update(volume_id, {'status': status})
        except exception.VolumeNotFound:
            pass

    def create_volume(self, context, volume_id, image_id=None, snapshot_id=None):
        volume = db.volume_get(volume_id)
        if volume['status'] != 'creating':
            # Made already: by init_host after a crash, before this cast was read.
            LOG.info("Volume %s is %s: not creating it", volume_id, volume['status'])
            return
        try:
            self._make(volume, image_id, snapshot_id)
            export = self.driver.create_export(volume)
        except Exception:
            LOG.exception("Creating volume %s failed", volume_id)
            self.driver.delete_volume(volume)
            self._fail(volume_id)
            return
        # A volume made from a snapshot of an image's volume boots as that one did.
        db.volume_update(volume_id, dict(export, status='available',
                                         bootable=bool(volume['image_id']),
                                         launched_at=timeutils.utcnow()),
                         expected_status=['creating'])
        LOG.info("Volume %s created (%d GiB)", volume_id, volume['size'])

    def _make(self, volume, image_id, snapshot_id):
        if snapshot_id:
            self.driver.create_volume_from_snapshot(volume,
                                                    snapshot_db.snapshot_get(snapshot_id))
        elif image_id:
            images = local_image.get_image_service()
            self.driver.create_volume_from_image(volume, images, images.show(image_id))
        else:
            self.driver.create_volume(volume)

    def delete_volume(self, context, volume_id):
        try:
            volume = db.volume_get(volume_id)
        except exception.VolumeNotFound:
            return
        try:
            self.driver.remove_export(volume)
            self.driver.delete_volume(volume)
        except Exception:
            LOG.exception("Deleting volume %s failed", volume_id)
            self._fail(volume_id, 'error_deleting')
            return
        db.volume_destroy(volume_id)
        LOG.info("Volume %s deleted", volume_id)

    def extend_volume(self, context, volume_id, new_size):
        """Grow the storage; an attached volume goes back in-use and its servers are told."""
        volume = db.volume_get(volume_id)
        try:
            self.driver.extend_volume(volume, new_size)
        except Exception:
            LOG.exception("Extending volume %s failed", volume_id)
            self._fail(volume_id, 'error_extending')
            return
        servers = self._attached_servers(volume_id)
        db.volume_update(volume_id, {'status': 'in-use' if servers else 'available',
                                     'size': new_size}, expected_status=['extending'])
        nova.extend_volume(context, servers, volume_id)

    def reimage(self, context, volume_id, image_id, previous_status):
        """Write the image over the volume's data; back to ``previous_status``, or ``error``.

        The servers holding the volume (Nova rebuilding one with 2.93) are
        told with a ``volume-reimaged`` event, ``completed`` or ``failed``.
        """
        volume = db.volume_get(volume_id)
        outcome = 'completed'
        try:
            images = local_image.get_image_service()
            self.driver.reimage(volume, images, images.show(image_id))
            db.volume_update(volume_id, {'status': previous_status, 'image_id': image_id,
                                         'bootable': True}, expected_status=['downloading'])
            LOG.info("Volume %s re-imaged with image %s", volume_id, image_id)
        except Exception:
            LOG.exception("Re-imaging volume %s with image %s failed", volume_id, image_id)
            self._fail(volume_id)
            outcome = 'failed'
        servers = sorted({attachment['instance_uuid'] for attachment
                          in db.attachments_by_volume([volume_id])[volume_id]})
        nova.volume_reimaged(context, servers, volume_id, outcome)

    @staticmethod
    def _attached_servers(volume_id):
        return sorted({attachment['instance_uuid'] for attachment
                       in db.attachments_by_volume([volume_id])[volume_id]
                       if attachment.get('attach_status') == 'attached'})

    def create_snapshot(self, context, snapshot_id):
        """Copy the snapshot's volume as it is now; ``available`` once done."""
        snapshot = snapshot_db.snapshot_get(snapshot_id)
        if snapshot['status'] != 'creating':
            LOG.info("Snapshot %s is %s: not taking it", snapshot_id, snapshot['status'])
            return
        try:
            self.driver.create_snapshot(snapshot, db.volume_get(snapshot['volume_uuid']))
        except Exception:
            LOG.exception("Taking snapshot %s failed", snapshot_id)
            self.driver.delete_snapshot(snapshot)
            snapshot_db.snapshot_update(snapshot_id, {'status': 'error'})
            return
        snapshot_db.snapshot_update(snapshot_id, {'status': 'available', 'progress': '100%'},
                                    expected_status=['creating'])
        LOG.info("Snapshot %s of volume %s taken", snapshot_id, snapshot['volume_uuid'])

    def delete_snapshot(self, context, snapshot_id):
        try:
            snapshot = snapshot_db.snapshot_get(snapshot_id)
        except exception.SnapshotNotFound:
            return
        try:
            self.driver.delete_snapshot(snapshot)
        except Exception:
            LOG.exception("Deleting snapshot %s failed", snapshot_id)
            snapshot_db.snapshot_update(snapshot_id, {'status': 'error_deleting'})
            return
        snapshot_db.snapshot_destroy(snapshot_id)
        LOG.info("Snapshot %s deleted", snapshot_id)
