"""Volumes that follow a cold migration or resize: Nova's flow with the attachments API.

The volume stays on its storage host; what changes, while the guest is off,
is which compute host is connected to it. The host the guest leaves (the
source in ``resize_instance``, the destination in ``revert_resize``) swaps
each mapping's attachment for an empty one (``attachment_create`` with no
connector: the volume stays reserved for the server), forgets its own
connection (its CHAP secret) and deletes its attachment. The host the guest
arrives on (``finish_resize``, ``finish_revert_resize``) sends its connector
(``attachment_update``), connects, records the connection_info on the
mapping, defines or starts the guest with those disks and completes the
attachment: the volume is ``in-use`` again, by this host only. The block
device mappings (through the conductor) carry the attachment from one host
to the other, so no RPC message changes. The volume API is reached over
HTTP only (:mod:`novalite.volume.cinder`).
"""

import contextlib

from oslo_log import log as logging

from novalite.compute import moving_volumes

LOG = logging.getLogger(__name__)


class ColdVolumes(moving_volumes.MovingVolumes):
    """:meth:`connect` (the host the guest arrives on) answers ``[{'bdm_uuid',
    'volume_id', 'attachment_id', 'connection_info', 'disk'}]``."""

    def _mapped(self, context, instance):
        return [bdm for bdm in self.conductor.bdm_get_by_instance(context, instance['uuid'])
                if bdm.get('volume_id') and bdm.get('attachment_id')]

    def _volumes(self, context, instance):
        # Only those let go: a host older than compute RPC 1.21 keeps its
        # connections, and its attachment is not this host's to take.
        return [bdm for bdm in self._mapped(context, instance) if _released(bdm)]

    # The host the guest leaves

    def release(self, context, instance):
        """The guest is off here: each volume stays the server's, on no host.

        :raises: whatever a step raised; the mappings handed over so far stay so.
        """
        for bdm in self._mapped(context, instance):
            self._release_one(context, instance, bdm)

    def _release_one(self, context, instance, bdm):
        attachment = self.volume_api.attachment_create(context, bdm['volume_id'],
                                                       instance['uuid'])
        # Recorded before the old attachment goes: the mapping never names
        # one that is gone.
        self.conductor.bdm_update(context, bdm['uuid'], {'attachment_id': attachment['id'],
                                                         'connection_info': None})
        if bdm.get('connection_info'):
            self.driver.disconnect_volume(bdm['connection_info'])
        self.volume_api.attachment_delete(context, bdm['attachment_id'])
        LOG.info('Volume %s of %s released here for its cold move (attachment %s)',
                 bdm['volume_id'], instance['uuid'], attachment['id'])

    # The host the guest arrives on

    @contextlib.contextmanager
    def arrive(self, context, instance):
        """Connect the volumes here for the guest the block defines or starts.

        Yields what the guest needs of each (``driver.connect_volume``'s disks).
        The attachments are completed once the block is done; if it raises,
        the connections are undone and the error goes on.
        """
        connected = self.connect(context, instance)
        try:
            yield [each['disk'] for each in connected]
        except Exception:
            self.disconnect(context, connected)
            raise
        self.complete(context, [each['attachment_id'] for each in connected])

    def _connection_info(self, context, bdm, connector):
        info = self.volume_api.attachment_update(context, bdm['attachment_id'], connector,
                                                 bdm['device_name'])['connection_info']
        info['serial'] = bdm['volume_id']
        info['data'].setdefault('volume_id', bdm['volume_id'])
        return info

    def _connect_one(self, context, instance, bdm, connector):
        info = self._connection_info(context, bdm, connector)
        connected = {'bdm_uuid': bdm['uuid'], 'volume_id': bdm['volume_id'],
                     'attachment_id': bdm['attachment_id'], 'connection_info': info,
                     'disk': self.driver.connect_volume(info, bdm['device_name'])}
        try:
            self.conductor.bdm_update(context, bdm['uuid'], {'connection_info': info})
        except Exception:
            self.disconnect(context, [connected])
            raise
        LOG.info('Volume %s of %s connected here after its cold move (attachment %s)',
                 bdm['volume_id'], instance['uuid'], bdm['attachment_id'])
        return connected

    def disconnect(self, context, connected):
        """Undo :meth:`connect`: this host's connections go, and the mappings forget
        them. Logged, never raised."""
        for each in connected:
            try:
                self.driver.disconnect_volume(each['connection_info'])
                self.conductor.bdm_update(context, each['bdm_uuid'], {'connection_info': None})
            except Exception:
                LOG.exception('Could not undo the connection of volume %s',
                              each['volume_id'])

    # A guest defined anew where its volumes were let go

    def reattach(self, context, instance, bdms):
        """Send this host's connector for each volume a cold move let go and that no
        host took (the move failed after its source released them, or a host
        restarted between the two halves), as Nova's hard reboot refreshes
        connection info. The driver connects them with the guest it defines.

        :returns: ``(bdms, attachment ids)``: the mappings with the new
            connection_info, and the attachments to complete once the guest runs.
        """
        released = [bdm for bdm in bdms if bdm.get('volume_id') and _released(bdm)]
        if not released:
            return bdms, []
        connector = self.driver.get_volume_connector(instance)
        for bdm in released:
            self.conductor.bdm_update(context, bdm['uuid'], {
                'connection_info': self._connection_info(context, bdm, connector)})
            LOG.info('Volume %s of %s attached here again (attachment %s)',
                     bdm['volume_id'], instance['uuid'], bdm['attachment_id'])
        return (self.conductor.bdm_get_by_instance(context, instance['uuid']),
                [bdm['attachment_id'] for bdm in released])

    def complete(self, context, attachment_ids):
        for attachment_id in attachment_ids:
            self.volume_api.attachment_complete(context, attachment_id)


def _released(bdm):
    """A mapping whose volume stays the server's, attached on no host."""
    return bool(bdm.get('attachment_id')) and not bdm.get('connection_info')
