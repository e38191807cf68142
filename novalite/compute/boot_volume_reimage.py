"""The boot volume of a server rebuilt from 2.93: Nova's ``_rebuild_volume_backed_instance``.

The old guest is gone. The boot volume is disconnected from this host and
kept the server's by an attachment without connection that replaces the
host's (so it is ``reserved`` throughout, no other server can take it);
the Block Storage API writes the new image over it (``os-reimage`` with
``reimage_reserved``, 3.68) and the volume is then connected again like
the server's other volumes.

Nova waits for Cinder's ``volume-reimaged`` external event; this host polls
the volume until it is ``reserved`` again (or ``error``) instead, with the
waits of a volume made from an image at boot (``[compute]
block_device_allocate_retries`` and ``..._interval``: a re-image is the
same copy). Polling needs nothing of the Block Storage service but its API:
it works with a Cinder that cannot reach the compute API, and a compute
host restarted meanwhile has no waiter to lose. novalite-volume still sends
the event, for a Nova that waits for it; here it is only logged.
"""

from oslo_log import log as logging

from novalite import exception
from novalite.compute import boot_volumes

LOG = logging.getLogger(__name__)


def reimage(volume_ops, volume_api, context, instance, root_bdm, image_id):
    """Write ``image_id`` over the boot volume of ``root_bdm``; returns the mapping.

    :raises BuildAbortException: the volume could not be re-imaged (Nova's
        "Failed to rebuild volume backed instance.").
    """
    root = volume_ops.keep_reserved(context, instance, root_bdm)
    try:
        volume_api.reimage(context, root['volume_id'], image_id, reimage_reserved=True)
        boot_volumes.wait_available(volume_api.get, context, root['volume_id'],
                                    wanted='reserved')
    except (exception.VolumeServiceError, exception.VolumeNotCreated) as exc:
        LOG.error('Re-imaging boot volume %s of %s failed: %s', root['volume_id'],
                  instance['uuid'], exc)
        raise exception.BuildAbortException(
            instance_uuid=instance['uuid'],
            reason='Failed to rebuild volume backed instance.') from exc
    LOG.info('Boot volume %s of %s re-imaged with image %s', root['volume_id'],
             instance['uuid'], image_id)
    return root
