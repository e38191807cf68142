"""Quiesce and unquiesce on a compute host: the guest's side of a volume-backed createImage.

The compute API asks (a call) before it snapshots the server's volumes, so
that the snapshots hold filesystems at rest, and casts the unquiesce with
the image's mapping once it asked for them: as Nova's compute does, the
host waits until each snapshot has left ``creating`` (its copy is taken)
before it thaws the guest, a bounded wait that thaws anyway when it ends.
"""

from oslo_log import log as logging

from novalite import exception
from novalite.compute import boot_volumes, snapshots
from novalite.volume import cinder

LOG = logging.getLogger(__name__)


class QuiesceOps:
    def __init__(self, driver, volume_api=None):
        self.driver = driver
        self.volume_api = volume_api or cinder.API()

    def quiesce(self, context, instance):
        """:raises InstanceQuiesceNotSupported, QemuGuestAgentNotEnabled,
        InstanceQuiesceFailed: the guest stays as it was."""
        self.driver.quiesce(context, instance, snapshots.image_properties(instance))
        LOG.info("Filesystems of instance %s frozen", instance['uuid'])

    def unquiesce(self, context, instance, mapping=None):
        """Thaw the guest once the snapshots of ``mapping`` are taken; logged, never raised."""
        for item in mapping or []:
            if item.get('source_type') == 'snapshot':
                self._wait_taken(context, item['snapshot_id'])
        try:
            self.driver.unquiesce(context, instance, snapshots.image_properties(instance))
        except Exception:
            LOG.exception("Could not thaw the filesystems of instance %s", instance['uuid'])
            return
        LOG.info("Filesystems of instance %s thawed", instance['uuid'])

    def _wait_taken(self, context, snapshot_id):
        try:
            boot_volumes.wait_available(self.volume_api.get_snapshot, context, snapshot_id)
        except exception.VolumeNotCreated as exc:
            LOG.warning("Thawing before snapshot %s is taken: %s", snapshot_id,
                        exc.format_message())
        except Exception:
            LOG.exception("Could not follow snapshot %s; thawing", snapshot_id)
