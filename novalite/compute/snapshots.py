"""Snapshots on a compute host: capture the root disk, upload it, rotate backups.

The API registered the image (``queued``) and persisted the server's task.
Here, under the instance's lock, the task walks ``image_snapshot`` (or
``image_backup``) while the driver captures the disk,
``image_pending_upload`` once the guest is released, ``image_uploading``
while the data go to the image service (which makes the image ``saving``,
then ``active``), and clears. A failure deletes the image: the image service
never keeps a half image. The image's id is written to a journal on this
host before the capture starts and removed when the upload has ended, so a
compute killed in the middle deletes the image at its next start
(:meth:`SnapshotOps.recover`) unless the upload had completed.
"""

import json
import os

from oslo_concurrency import lockutils
from oslo_log import log as logging

from novalite import exception
from novalite.compute import build, events, vm_states
from novalite.conf import CONF
from novalite.image import client as image_client

LOG = logging.getLogger(__name__)

_CHUNK = 1024 * 1024

# (the task while capturing, once captured, while uploading)
SNAPSHOT_STATES = (vm_states.IMAGE_SNAPSHOT, vm_states.IMAGE_PENDING_UPLOAD,
                   vm_states.IMAGE_UPLOADING)
BACKUP_STATES = (vm_states.IMAGE_BACKUP, vm_states.IMAGE_PENDING_UPLOAD,
                 vm_states.IMAGE_UPLOADING)
SHELVE_STATES = (vm_states.SHELVING, vm_states.SHELVING_IMAGE_PENDING_UPLOAD,
                 vm_states.SHELVING_IMAGE_UPLOADING)


def image_properties(instance):
    """The server's image's properties, as the API copied them into its system metadata."""
    sysmeta = instance.get('system_metadata') or {}
    return {key[len('image_'):]: value for key, value in sysmeta.items()
            if key.startswith('image_')}


class Journal:
    """``<directory>/<instance uuid>.json``: the image an unfinished snapshot fills."""

    def __init__(self, directory):
        self.directory = directory

    def _path(self, instance_uuid):
        return os.path.join(self.directory, instance_uuid + '.json')

    def record(self, instance_uuid, image_id):
        os.makedirs(self.directory, exist_ok=True)
        path = self._path(instance_uuid)
        with open(path + '.tmp', 'w') as f:
            json.dump({'image_id': image_id}, f)
        os.replace(path + '.tmp', path)

    def pending(self, instance_uuid):
        """The image id of the instance's unfinished snapshot, or None."""
        try:
            with open(self._path(instance_uuid)) as f:
                return json.load(f)['image_id']
        except (FileNotFoundError, ValueError, KeyError):
            return None

    def clear(self, instance_uuid):
        try:
            os.remove(self._path(instance_uuid))
        except FileNotFoundError:
            pass


class SnapshotOps:
    """Snapshots and backups of ``manager``'s instances."""

    def __init__(self, manager, image_service=None):
        self.manager = manager
        self.host = manager.host
        self._image_service = image_service
        self.journal = Journal(os.path.join(CONF.state_path, f'snapshots-{self.host}'))

    # The manager's, read when used: tests and restarts may replace them.
    @property
    def driver(self):
        return self.manager.driver

    @property
    def conductor(self):
        return self.manager.conductor

    @property
    def images(self):
        return self._image_service or image_client.get_image_service()

    # Entry points (run in the manager's task pool)

    def snapshot(self, context, instance, image_id):
        def work():
            self.move(context, instance, vm_states.IMAGE_SNAPSHOT,
                      vm_states.IMAGE_SNAPSHOT_PENDING)
            self.capture(context, instance, image_id, SNAPSHOT_STATES)
            self.move(context, instance, None, vm_states.IMAGE_UPLOADING)
        self.run(context, instance, 'compute_snapshot_instance', work)

    def backup(self, context, instance, image_id, backup_type, rotation):
        def work():
            self.capture(context, instance, image_id, BACKUP_STATES)
            self.move(context, instance, None, vm_states.IMAGE_UPLOADING)
            self.rotate(context, instance, backup_type, rotation)
        self.run(context, instance, 'compute_backup_instance', work)

    def run(self, context, instance, event, work):
        """Run ``work()`` under the instance's lock as action event ``event``.

        A failure becomes the instance's fault and clears its task, if the
        task is still one of a snapshot's or backup's.
        """
        uuid = instance['uuid']
        with self.manager.in_flight.track(uuid), lockutils.lock(uuid), \
                self.manager.in_flight.running.operation(uuid):
            try:
                with events.action_event(self.conductor, context, uuid, event, self.host):
                    work()
            except build.GONE:
                LOG.info('Instance %s was deleted or changed during %s', uuid, event)
            except Exception as exc:
                LOG.exception('%s of instance %s failed', event, uuid)
                if events.record_fault(self.conductor, context, uuid, exc, self.host):
                    self.manager.sync_instance(context, instance,
                                               ending=vm_states.SNAPSHOT_TASK_STATES)

    # Steps

    def move(self, context, instance, task_state, expected, **values):
        """Move the task on from ``expected``. :raises InstanceNotFound,
        UnexpectedTaskStateError: deleted or changed meanwhile."""
        self.conductor.instance_update(context, instance['uuid'],
                                       dict(values, task_state=task_state),
                                       expected_task_state=expected, expected_host=self.host,
                                       read_back=False)

    def capture(self, context, instance, image_id, states):
        """Capture the root disk and upload it into ``image_id``; returns the image.

        The instance is in ``states[0]``; it leaves in ``states[2]``. The
        image is deleted if anything fails.
        """
        capturing, pending, uploading = states
        uuid = instance['uuid']
        self.journal.record(uuid, image_id)
        snap = None
        try:
            snap = self.driver.snapshot(
                context, instance, image_properties(instance),
                lambda _task_state: self.move(context, instance, pending, capturing))
            self.move(context, instance, uploading, pending)
            image = self._upload(context, image_id, snap)
        except BaseException:
            self.delete_image(context, image_id)
            raise
        finally:
            if snap is not None:
                _unlink(snap.path)
            self.journal.clear(uuid)
        LOG.info('Snapshot of instance %s uploaded as image %s (%s bytes)', uuid, image_id,
                 image.get('size'))
        return image

    def _upload(self, context, image_id, snap):
        self.images.set_attributes(image_id, {'disk_format': snap.disk_format,
                                              'container_format': snap.container_format},
                                   context=context)
        with open(snap.path, 'rb') as f:
            return self.images.upload(image_id, iter(lambda: f.read(_CHUNK), b''),
                                      context=context)

    def rotate(self, context, instance, backup_type, rotation):
        """Delete the instance's backups of ``backup_type`` beyond the ``rotation`` newest."""
        backups = [image for image in self.images.list(context)
                   if _is_backup_of(image, instance['uuid'], backup_type)]
        backups.sort(key=lambda image: (image['created_at'], image['id']), reverse=True)
        for image in backups[rotation:]:
            LOG.info('Rotating out backup %s of instance %s', image['id'], instance['uuid'])
            self.delete_image(context, image['id'])

    def delete_image(self, context, image_id):
        try:
            self.images.delete(image_id, context=context)
        except exception.ImageNotFound:
            pass
        except Exception:
            LOG.exception('Could not delete image %s', image_id)

    # Start-up

    def recover(self, context, instance):
        """Settle a snapshot a restart interrupted: the guest released, the image
        kept only if its upload had completed; returns that image or None."""
        uuid = instance['uuid']
        try:
            self.driver.post_interrupted_snapshot_cleanup(context, instance)
        except Exception:
            LOG.exception('Cleaning up the interrupted snapshot of %s failed', uuid)
        image_id = self.journal.pending(uuid)
        if image_id is None:
            return None
        image = None
        try:
            image = self.images.show(image_id)
        except exception.ImageNotFound:
            pass
        if image is not None and image['status'] != 'active':
            LOG.warning('Deleting image %s: the snapshot of %s filling it was interrupted',
                        image_id, uuid)
            self.delete_image(context, image_id)
            image = None
        self.journal.clear(uuid)
        return image


def _is_backup_of(image, instance_uuid, backup_type):
    properties = image.get('properties') or {}
    return (properties.get('image_type') == 'backup'
            and properties.get('instance_uuid') == instance_uuid
            and properties.get('backup_type') == backup_type)


def _unlink(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
