"""Volumes that follow a live migration: Nova's flow with the attachments API.

The volume stays on its storage host; what changes is which compute host is
connected to it. In ``pre_live_migration`` the destination creates an
attachment of its own (``attachment_create`` with its connector: the volume
stays ``in-use``, held by the same server), connects it (its CHAP secret
defined in its libvirtd) and answers, in ``migrate_data['volumes']``, the
new attachment, connection_info and the disk the source must point the
migrating guest at. After the move the source records the destination's
attachment and connection_info on each block device mapping (through the
conductor), completes the new attachment, forgets its own connection and
deletes its attachment. A rollback forgets the destination's connection
and deletes its attachment; the mappings never changed. The volume API is
reached over HTTP only (:mod:`novalite.volume.cinder`).
"""

from oslo_log import log as logging

from novalite.compute import moving_volumes
from novalite.volume import cinder

LOG = logging.getLogger(__name__)


class LiveVolumes(moving_volumes.MovingVolumes):
    """:meth:`connect` (destination) answers ``[{'volume_id', 'bdm_uuid',
    'attachment_id', 'old_attachment_id', 'connection_info', 'disk_xml'}]``."""

    # Destination

    def _volumes(self, context, instance):
        return [bdm for bdm in self.conductor.bdm_get_by_instance(context, instance['uuid'])
                if bdm.get('volume_id') and bdm.get('attachment_id')
                and bdm.get('connection_info')]

    def _connect_one(self, context, instance, bdm, connector):
        attachment = self.volume_api.attachment_create(
            context, bdm['volume_id'], instance['uuid'],
            connector=dict(connector, mountpoint=bdm['device_name']))
        info = cinder.translate_connection_info(attachment.get('connection_info') or {})
        info['serial'] = bdm['volume_id']
        info['data'].setdefault('volume_id', bdm['volume_id'])
        try:
            disk_xml = self.driver.connect_volume(info, bdm['device_name'])
        except Exception:
            self.volume_api.attachment_delete(context, attachment['id'])
            raise
        LOG.info('Volume %s of %s connected here for its live migration (attachment %s)',
                 bdm['volume_id'], instance['uuid'], attachment['id'])
        return {'volume_id': bdm['volume_id'], 'bdm_uuid': bdm['uuid'],
                'attachment_id': attachment['id'], 'old_attachment_id': bdm['attachment_id'],
                'connection_info': info, 'disk_xml': disk_xml}

    def disconnect(self, context, moved):
        """Rollback: forget this host's connections and attachments. Logged, never raised."""
        for each in moved or ():
            try:
                self.driver.disconnect_volume(each['connection_info'])
                self.volume_api.attachment_delete(context, each['attachment_id'])
            except Exception:
                LOG.exception('Could not undo the connection of volume %s',
                              each['volume_id'])

    # Source

    def switch(self, context, instance, moved):
        """The guest runs on the destination: the mappings take its attachments, this
        host's go. Logged, never raised: the server has moved either way."""
        if not moved:
            return
        old = {bdm['uuid']: bdm for bdm in
               self.conductor.bdm_get_by_instance(context, instance['uuid'])}
        for each in moved:
            try:
                self._switch_one(context, each, old.get(each['bdm_uuid']))
            except Exception:
                LOG.exception('Could not move volume %s of %s to its new host',
                              each['volume_id'], instance['uuid'])

    def _switch_one(self, context, moved, bdm):
        self.conductor.bdm_update(context, moved['bdm_uuid'], {
            'attachment_id': moved['attachment_id'],
            'connection_info': moved['connection_info']})
        self.volume_api.attachment_complete(context, moved['attachment_id'])
        if bdm is not None and bdm.get('connection_info'):
            self.driver.disconnect_volume(bdm['connection_info'])
        self.volume_api.attachment_delete(context, moved['old_attachment_id'])
