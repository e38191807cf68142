"""The volumes of a server being built, on its compute host (Nova's ``_prep_block_device``).

The compute API recorded the mappings (and reserved existing volumes). Here,
in the build's ``block_device_mapping`` step: a volume to be made from an
image, from a volume snapshot or blank is created through the volume API
and waited for until ``available`` (a snapshot still being taken, as right
after createImage of a volume-backed server, is waited for first); each
volume is reserved for the server if it is not yet, this host's connector
sent, and connection_info recorded on the mapping. The driver then boots
the guest with those disks (``block_device_info``), and
:meth:`BootVolumes.complete` marks the volumes in-use. A failed build calls
:meth:`BootVolumes.release`: attachments go, volumes made stay recorded on
their mappings, so a rebuild elsewhere uses them again and the server's
delete removes them (``delete_on_termination``).
"""

from oslo_log import log as logging

from novalite import concurrency, exception
from novalite.conf import CONF
from novalite.volume import cinder

LOG = logging.getLogger(__name__)


def block_device_info(bdms):
    """What a driver's ``spawn`` takes: ``{'block_device_mapping': [...]}``, boot volume first."""
    return {'block_device_mapping': [
        {'connection_info': bdm['connection_info'], 'mount_device': bdm['device_name'],
         'boot_index': bdm.get('boot_index'), 'volume_id': bdm['volume_id']}
        for bdm in bdms if bdm.get('connection_info')]}


def boots_from_volume(bdms):
    """True if one of ``bdms`` is a volume at boot index 0."""
    return any(bdm.get('volume_id') and str(bdm.get('boot_index')) == '0' for bdm in bdms)


class BootVolumes:
    def __init__(self, host, driver, conductor, volume_api=None):
        self.host = host
        self.driver = driver
        self.conductor = conductor
        self.volume_api = volume_api or cinder.API()

    def prepare(self, context, instance, bdms):
        """Make, reserve and connect each mapping's volume; returns the updated mappings.

        :raises VolumeNotCreated: a new volume ended in error or did not become
            available in time.
        :raises VolumeServiceError: the volume API refused or did not answer.
        """
        connector = self.driver.get_volume_connector(instance)
        return [self._prepare_one(context, instance, bdm, connector) for bdm in bdms]

    def _prepare_one(self, context, instance, bdm, connector):
        if not bdm.get('volume_id'):
            bdm = self._create(context, instance, bdm)
        if not bdm.get('attachment_id'):
            attachment = self.volume_api.attachment_create(context, bdm['volume_id'],
                                                           instance['uuid'])
            bdm = self.conductor.bdm_update(context, bdm['uuid'],
                                            {'attachment_id': attachment['id']})
        info = self.volume_api.attachment_update(context, bdm['attachment_id'], connector,
                                                 bdm['device_name'])['connection_info']
        info['serial'] = bdm['volume_id']
        info['data'].setdefault('volume_id', bdm['volume_id'])
        return self.conductor.bdm_update(context, bdm['uuid'], {'connection_info': info})

    def _create(self, context, instance, bdm):
        if bdm.get('snapshot_id'):
            wait_available(self.volume_api.get_snapshot, context, bdm['snapshot_id'])
        volume = self.volume_api.create(context, bdm['volume_size'], '',
                                        image_id=bdm.get('image_id'),
                                        volume_type=bdm.get('volume_type'),
                                        snapshot_id=bdm.get('snapshot_id'))
        # Recorded at once: whatever happens next, the server's delete finds it.
        bdm = self.conductor.bdm_update(context, bdm['uuid'], {'volume_id': volume['id']})
        wait_available(self.volume_api.get, context, volume['id'])
        LOG.info("Volume %s made for instance %s", volume['id'], instance['uuid'])
        return bdm

    def complete(self, context, bdms):
        """The guest runs with the disks: each volume is in-use."""
        for bdm in bdms:
            self.volume_api.attachment_complete(context, bdm['attachment_id'])

    def release(self, context, instance):
        """Undo the attachments of a failed build; logged, never raised."""
        for bdm in self.conductor.bdm_get_by_instance(context, instance['uuid']):
            try:
                self._release_one(context, instance, bdm)
            except exception.InstanceNotFound:
                return
            except Exception:
                LOG.exception("Could not release volume %s of instance %s",
                              bdm.get('volume_id'), instance['uuid'])

    def _release_one(self, context, instance, bdm):
        if bdm.get('connection_info'):
            self.driver.detach_volume(context, bdm['connection_info'], instance,
                                      bdm['device_name'])
        if bdm.get('attachment_id'):
            self.volume_api.attachment_delete(context, bdm['attachment_id'])
        if bdm.get('attachment_id') or bdm.get('connection_info'):
            self.conductor.bdm_update(context, bdm['uuid'],
                                      {'attachment_id': None, 'connection_info': None})


def wait_available(get, context, resource_id, wanted='available'):
    """Poll ``get(context, resource_id)`` (a volume or a snapshot) until ``wanted``.

    :raises VolumeNotCreated: it went to ``error`` or stayed busy past the retries.
    """
    attempts = CONF.compute.block_device_allocate_retries + 1
    interval = CONF.compute.block_device_allocate_retries_interval
    status = None
    for attempt in range(attempts):
        status = get(context, resource_id)['status']
        if status == wanted:
            return
        if status == 'error':
            break
        if attempt + 1 < attempts:
            concurrency.sleep(interval)
    raise exception.VolumeNotCreated(volume_id=resource_id, seconds=int(interval * attempts),
                                     attempts=attempts, volume_status=status)
