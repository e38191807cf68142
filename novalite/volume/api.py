"""The volume API: what the Block Storage API's handlers call.

It runs in the volume service's WSGI app and reads and writes the volume
tables directly. Every check a user can fail happens before the first write;
the state a request announces (creating, deleting, extending, reserved...)
is persisted before the slow step is cast to the storage host.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from novalite import exception
from novalite.conf import CONF
from novalite.db import volume_snapshots as snapshot_db
from novalite.db import volumes as db
from novalite.image import local as local_image
from novalite.volume import drivers
from novalite.volume import rpcapi as volume_rpcapi

LOG = logging.getLogger(__name__)

VOLUME_BINARY = 'novalite-volume'
# The id of the one volume type (fixed, so clients may remember it).
DEFAULT_TYPE_ID = '5f3a9ce0-8b2f-4b3c-9d5e-0a1b2c3d4e5f'
DELETABLE = ('available', 'error', 'error_restoring', 'error_extending', 'error_managing')
STATUSES = ('creating', 'available', 'reserved', 'attaching', 'in-use', 'detaching',
            'extending', 'downloading', 'deleting', 'error', 'error_deleting',
            'error_extending')
GiB = 1024 ** 3
ATTACH_STATUSES = ('attached', 'detached', 'attaching', 'detaching', 'reserved')
_DELETABLE_MESSAGE = ("Volume status must be available or error or error_restoring or "
                      "error_extending or error_managing and must not be migrating, "
                      "attached, belong to a group, have snapshots or be disassociated "
                      "from snapshots after volume transfer.")


def gigabytes_used(project_id):
    """GiB the project's volumes and snapshots hold (both count, as in Cinder)."""
    return db.volume_usage(project_id)[1] + snapshot_db.snapshot_usage(project_id)[1]


class API:
    def __init__(self):
        self._rpcapi = None

    @property
    def rpcapi(self):
        # Made on first use: loading the WSGI app needs no transport.
        if self._rpcapi is None:
            self._rpcapi = volume_rpcapi.VolumeAPI()
        return self._rpcapi

    # --- volumes -------------------------------------------------------------

    def get(self, context, volume_id):
        """:raises VolumeNotFound: no such volume, or another project's."""
        volume = db.volume_get(volume_id)
        if not context.is_admin and volume['project_id'] != context.project_id:
            raise exception.VolumeNotFound(volume_id=volume_id)
        return volume

    def create(self, context, size, name=None, description=None, image_id=None,
               availability_zone=None, metadata=None, volume_type=None, snapshot_id=None):
        """Record a volume in ``creating`` and cast its creation to the storage host.

        A volume made from ``snapshot_id`` is at least the snapshot's size, on
        the snapshot's storage host, and bootable with the image of the
        snapshot's volume if that was.

        :raises Invalid: a bad size, zone, type, image or snapshot; nothing was created.
        :raises VolumeLimitExceeded: the project's quota would be exceeded.
        """
        if image_id and snapshot_id:
            raise exception.Invalid("Invalid input received: only one of imageRef and "
                                    "snapshot_id may be given")
        image = self._check_image(image_id)
        source = self._check_snapshot(context, snapshot_id)
        if size is None and image is not None:
            size = max(1, -(-int(image.get('size') or 0) // 1024 ** 3))
        if size is None and source is not None:
            size = source['volume_size']
        size = self._check_size(size)
        if source is not None and size < source['volume_size']:
            raise exception.Invalid(
                f"Invalid input received: Volume size '{size}'GB cannot be smaller than the "
                f"snapshot size {source['volume_size']}GB. They must be >= original "
                f"snapshot size.")
        self._check_quota(context, size)
        zone = availability_zone or CONF.volume.storage_availability_zone
        if zone != CONF.volume.storage_availability_zone:
            raise exception.Invalid(f"Availability zone '{zone}' is invalid.")
        if volume_type not in (None, CONF.volume.default_volume_type, DEFAULT_TYPE_ID):
            raise exception.NotFound(f"Volume type with name {volume_type} could not be found.")
        volume = db.volume_create({
            'project_id': context.project_id, 'user_id': context.user_id,
            'host': CONF.host, 'size': size, 'status': 'creating',
            'attach_status': 'detached', 'display_name': name,
            'display_description': description, 'availability_zone': zone,
            'volume_type': CONF.volume.default_volume_type, 'image_id': image_id,
            'bootable': False, 'volume_metadata': dict(metadata or {}),
            **self._from_snapshot(source)})
        self.rpcapi.create_volume(context, volume, image_id=image_id, snapshot_id=snapshot_id)
        return volume

    @staticmethod
    def _check_snapshot(context, snapshot_id):
        """The snapshot a volume is made from, with its ``volume``.

        :raises SnapshotNotFound: no such snapshot, or another project's (404).
        :raises InvalidSnapshot: not available (400).
        """
        if not snapshot_id:
            return None
        snapshot = snapshot_db.snapshot_get(snapshot_id)
        if not context.is_admin and snapshot['project_id'] != context.project_id:
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        if snapshot['status'] != 'available':
            raise exception.InvalidSnapshot(
                reason="Originating snapshot status must be one of 'available' values")
        return dict(snapshot, volume=db.volume_get(snapshot['volume_uuid']))

    @staticmethod
    def _from_snapshot(source):
        """What a volume made from ``source`` takes of the snapshot and its volume."""
        if source is None:
            return {}
        return {'snapshot_id': source['uuid'], 'host': source['host'],
                'image_id': source['volume']['image_id']}

    @staticmethod
    def _check_size(size):
        try:
            size = int(size)
        except (TypeError, ValueError):
            raise exception.Invalid(f"Invalid input received: Volume size '{size}' must be "
                                    f"an integer and greater than 0.") from None
        if size <= 0:
            raise exception.Invalid(f"Invalid input received: Volume size '{size}' must be "
                                    f"an integer and greater than 0.")
        return size

    @staticmethod
    def _check_image(image_id):
        if not image_id:
            return None
        try:
            image = local_image.get_image_service().show(image_id)
        except exception.ImageNotFound:
            raise exception.Invalid(f"Invalid image identifier or unable to access "
                                    f"requested image {image_id}.") from None
        if image.get('status') != 'active':
            raise exception.Invalid(f"Image {image_id} is not active.")
        return image

    @staticmethod
    def _check_quota(context, size):
        count = db.volume_usage(context.project_id)[0]
        gigabytes = gigabytes_used(context.project_id)
        if 0 <= CONF.volume.quota_volumes < count + 1:
            raise exception.VolumeLimitExceeded(
                reason=f"Maximum number of volumes allowed ({CONF.volume.quota_volumes}) "
                       f"exceeded for quota 'volumes'.")
        if 0 <= CONF.volume.quota_gigabytes < gigabytes + size:
            raise exception.VolumeLimitExceeded(
                reason=f"Requested volume or snapshot exceeds allowed gigabytes quota. "
                       f"Requested {size}G, quota is {CONF.volume.quota_gigabytes}G and "
                       f"{gigabytes}G has been consumed.")

    def delete(self, context, volume):
        """Persist ``deleting`` and cast the removal of export and storage.

        :raises InvalidVolume: the volume is attached or busy (400).
        """
        if volume['status'] == 'deleting':
            return
        if db.attachments_by_volume([volume['uuid']])[volume['uuid']]:
            raise exception.InvalidVolume(reason=_DELETABLE_MESSAGE)
        try:
            volume = db.volume_begin_delete(volume['uuid'], list(DELETABLE))
        except exception.InvalidVolume:
            raise exception.InvalidVolume(reason=_DELETABLE_MESSAGE) from None
        self.rpcapi.delete_volume(context, volume)

    def update(self, context, volume, values):
        return db.volume_update(volume['uuid'], values)

    def extend(self, context, volume, new_size, in_use=False):
        """Persist ``extending`` and cast the growth to the storage host.

        :param in_use: the caller speaks 3.42 or later, where an attached
            (``in-use``) volume may grow too (Cinder's ``extend_attached_volume``).
        :raises InvalidVolume: not available (nor in-use at 3.42), or
            ``new_size`` not larger.
        """
        new_size = self._check_size(new_size)
        if new_size <= volume['size']:
            raise exception.InvalidVolume(
                reason=f"New size for extend must be greater than current size. "
                       f"(current: {volume['size']}, extended: {new_size}).")
        allowed = ['available', 'in-use'] if in_use else ['available']
        if volume['status'] not in allowed:
            raise exception.InvalidVolume(
                reason=f"Volume status must be {' or '.join(map(repr, allowed))} to extend, "
                       f"but current status is: {volume['status']}.")
        self._check_quota_growth(context, new_size - volume['size'])
        volume = db.volume_update(volume['uuid'], {'status': 'extending'},
                                  expected_status=allowed)
        self.rpcapi.extend_volume(context, volume, new_size)

    @staticmethod
    def _check_quota_growth(context, growth):
        gigabytes = gigabytes_used(context.project_id)
        if 0 <= CONF.volume.quota_gigabytes < gigabytes + growth:
            raise exception.VolumeLimitExceeded(
                reason=f"Requested volume or snapshot exceeds allowed gigabytes quota. "
                       f"Requested {growth}G, quota is {CONF.volume.quota_gigabytes}G and "
                       f"{gigabytes}G has been consumed.")

    def reimage(self, context, volume, image_id, reimage_reserved=False):
        """Persist ``downloading`` and cast the writing of ``image_id`` over the volume's data.

        Cinder's rules (3.68): an ``available`` or ``error`` volume, or with
        ``reimage_reserved`` one ``reserved`` for a server (Nova rebuilding
        it); the volume goes back to that status once written, to ``error``
        if the writing fails.

        :raises InvalidVolume: another status (400).
        :raises Invalid: an unknown or inactive image, or one larger than the
            volume; the storage hosts are too old to re-image (400).
        """
        if not self.rpcapi.can_reimage():
            raise exception.Invalid("Re-imaging volumes is not supported until every volume "
                                    "service is upgraded ([upgrade_levels] volume)")
        allowed = ['available', 'error'] + (['reserved'] if reimage_reserved else [])
        image = self._check_image(image_id)
        self._check_image_fits(image, volume['size'])
        previous = volume['status']
        try:
            if previous not in allowed:
                raise exception.InvalidVolume(reason=previous)
            # Only from the status read: it is the one the volume goes back to.
            volume = db.volume_update(volume['uuid'], {'status': 'downloading'},
                                      expected_status=[previous])
        except exception.InvalidVolume:
            raise exception.InvalidVolume(
                reason=f"Volume {volume['uuid']} status must be {' or '.join(allowed)}, but "
                       f"current status is: {db.volume_get(volume['uuid'])['status']}."
            ) from None
        self.rpcapi.reimage(context, volume, image_id, previous)

    @staticmethod
    def _check_image_fits(image, size):
        image_gb = -(-int(image.get('size') or 0) // GiB)
        if image_gb > size:
            raise exception.Invalid(f"Invalid input received: Size of specified image "
                                    f"{image_gb}GB is larger than volume size {size}GB.")
        min_disk = int(image.get('min_disk') or 0)
        if min_disk > size:
            raise exception.Invalid(f"Invalid input received: Volume size {size}GB cannot be "
                                    f"smaller than the image minDisk size {min_disk}GB.")

    @staticmethod
    def reset_status(context, volume, status=None, attach_status=None):
        """An administrator's override of the recorded state; storage is not touched.

        :raises Invalid: an unknown status.
        """
        values = {}
        if status is not None:
            if status not in STATUSES:
                raise exception.Invalid(f"Must specify a valid status: {status}")
            values['status'] = status
        if attach_status is not None:
            if attach_status not in ATTACH_STATUSES:
                raise exception.Invalid(f"Must specify a valid attach status: {attach_status}")
            values['attach_status'] = attach_status
        if not values:
            raise exception.Invalid("Must specify 'status' or 'attach_status' to update.")
        return db.volume_update(volume['uuid'], values)

    @staticmethod
    def begin_detaching(context, volume):
        """Mark an attached volume ``detaching`` while a compute host detaches it
        (Cinder's ``os-begin_detaching``), so that a second detach is refused.

        :raises InvalidVolume: not ``in-use`` (which is attached: an attachment
            completed) (400).
        """
        try:
            db.volume_update(volume['uuid'], {'status': 'detaching'},
                             expected_status=['in-use'])
        except exception.InvalidVolume:
            raise exception.InvalidVolume(
                reason="Unable to detach volume. Volume status must be 'in-use' and "
                       "attach_status must be 'attached' to detach.") from None

    @staticmethod
    def roll_detaching(context, volume):
        """A detach that failed: ``detaching`` is ``in-use`` again (``os-roll_detaching``);
        any other status is left alone, as Cinder does."""
        try:
            db.volume_update(volume['uuid'], {'status': 'in-use'},
                             expected_status=['detaching'])
        except exception.InvalidVolume:
            LOG.info("Volume %s is not detaching: nothing to roll back", volume['uuid'])

    # --- attachments ---------------------------------------------------------

    def attachment_create(self, context, volume, instance_uuid, connector=None, mode='rw'):
        """Reserve the volume for a server; with a connector, also hand out connection_info.

        :raises InvalidVolume: the volume is not available (attached elsewhere,
            reserved, creating...): novalite has no multiattach.
        """
        if mode not in ('rw', 'ro'):
            raise exception.Invalid(f"Invalid attach mode {mode}")
        attachment = db.attachment_create(
            volume['uuid'], instance_uuid, 'attaching' if connector else 'reserved',
            {'attach_status': 'reserved', 'attach_mode': mode})
        if connector:
            attachment = self.attachment_update(context, attachment, connector)
        return attachment

    def attachment_update(self, context, attachment, connector):
        """Record the host's connector and return the attachment with connection_info.

        :raises InvalidVolume: the volume has no export (not created yet, or failed).
        """
        if not isinstance(connector, dict) or not connector:
            raise exception.Invalid("Invalid input received: connector is required")
        volume = db.volume_get(attachment['volume_uuid'])
        if not volume.get('provider_location'):
            raise exception.InvalidVolume(
                reason=f"volume {volume['uuid']} is {volume['status']} and has no export")
        info = dict(drivers.connection_info(volume), attachment_id=attachment['uuid'])
        # A second attachment of a volume in use by the same server (a live
        # migration's destination): the volume stays in use while it moves.
        in_use = volume['status'] == 'in-use'
        return db.attachment_update(
            attachment['uuid'],
            {'connector': connector, 'connection_info': info, 'attach_status': 'attaching',
             'attached_host': connector.get('host'),
             'mountpoint': connector.get('mountpoint')},
            volume_values=None if in_use else {'status': 'attaching',
                                               'attach_status': 'attaching'})

    @staticmethod
    def attachment_complete(context, attachment):
        """The compute host attached the disk: the volume is in-use."""
        return db.attachment_update(
            attachment['uuid'], {'attach_status': 'attached',
                                 'attach_time': timeutils.utcnow()},
            volume_values={'status': 'in-use', 'attach_status': 'attached'})

    @staticmethod
    def attachment_delete(context, attachment):
        """Forget an attachment; the volume is available once it has none left."""
        db.attachment_destroy(attachment['uuid'])
        return db.attachment_get_all({'volume_uuid': attachment['volume_uuid']})

    def attachment_get(self, context, attachment_id):
        """:raises VolumeAttachmentNotFound: no such attachment, or another project's."""
        attachment = db.attachment_get(attachment_id)
        try:
            self.get(context, attachment['volume_uuid'])
        except exception.VolumeNotFound:
            raise exception.VolumeAttachmentNotFound(attachment_id=attachment_id) from None
        return attachment

