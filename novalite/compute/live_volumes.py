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
and deletes its attachment; the mappings never changed. A source restarted
before either (or whose reaper settles a move its conductor lost) no longer
has ``migrate_data``: :meth:`LiveVolumes.left_behind` finds the
destination's attachments in the volume API instead, and
:meth:`LiveVolumes.let_go_leftovers` the source's own that a handover cut
short left. The volume API is reached over HTTP only
(:mod:`novalite.volume.cinder`).
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
        moved = _moved(bdm, attachment)
        try:
            moved['disk_xml'] = self.driver.connect_volume(moved['connection_info'],
                                                           bdm['device_name'])
        except Exception:
            self.volume_api.attachment_delete(context, attachment['id'])
            raise
        LOG.info('Volume %s of %s connected here for its live migration (attachment %s)',
                 bdm['volume_id'], instance['uuid'], attachment['id'])
        return moved

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

    def left_behind(self, context, instance):
        """What the destination answered, found again in the volume API: for a move
        settled without its ``migrate_data`` (after a restart, or by the reaper).

        A mapping's volume moved when the server has a second attachment of it
        that a destination connected and nobody completed (``attaching``).
        One already handed over (its mapping names the completed attachment)
        is not found again. A volume whose attachments cannot be read is
        logged and left as it is.

        :returns: :meth:`connect`'s entries without ``disk_xml``, for
            :meth:`switch` (the guest moved) or the destination's
            :meth:`disconnect` (it stayed here).
        """
        return self._each_volume(context, instance, self._left_behind_one)

    def _left_behind_one(self, context, instance, bdm):
        candidates = [attachment for attachment in self._others(context, instance, bdm)
                      if attachment['status'] == 'attaching'
                      and attachment.get('connection_info')]
        if len(candidates) > 1:
            LOG.warning('Volume %s of %s has %d attachments being connected; leaving them '
                        'to an operator', bdm['volume_id'], instance['uuid'], len(candidates))
            return []
        return [_moved(bdm, attachment) for attachment in candidates]

    def let_go_leftovers(self, context, instance):
        """Let go of this host's attachments that a handover cut short left: the
        mapping names the destination's, completed, and this host's is still
        ``attached``. For a move whose guest left, settled at a restart."""
        self._each_volume(context, instance, self._let_go_leftovers_of)

    def _let_go_leftovers_of(self, context, instance, bdm):
        for attachment in self._others(context, instance, bdm):
            if attachment['status'] != 'attached':
                continue
            LOG.warning('Volume %s of %s was handed over to its new host; letting go of '
                        'the attachment %s left here', bdm['volume_id'], instance['uuid'],
                        attachment['id'])
            if attachment.get('connection_info'):
                self.driver.disconnect_volume(_moved(bdm, attachment)['connection_info'])
            self.volume_api.attachment_delete(context, attachment['id'])
        return []

    def _others(self, context, instance, bdm):
        """The server's attachments of ``bdm``'s volume other than the one it names."""
        return [attachment for attachment in self.volume_api.attachment_list(
            context, bdm['volume_id'], instance['uuid'])
            if attachment['id'] != bdm['attachment_id']]

    def _each_volume(self, context, instance, step):
        """``step(context, instance, bdm)`` for each volume, its lists joined; a
        volume whose step fails is logged and left as it is."""
        found = []
        for bdm in self._volumes(context, instance):
            try:
                found.extend(step(context, instance, bdm))
            except Exception:
                LOG.exception('Could not settle the attachments of volume %s of %s',
                              bdm['volume_id'], instance['uuid'])
        return found

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


def _moved(bdm, attachment):
    """The entry of ``bdm``'s volume connected through ``attachment`` (flat
    connection_info, as the attachments API answers it)."""
    info = cinder.translate_connection_info(attachment.get('connection_info') or {})
    info['serial'] = bdm['volume_id']
    info['data'].setdefault('volume_id', bdm['volume_id'])
    return {'volume_id': bdm['volume_id'], 'bdm_uuid': bdm['uuid'],
            'attachment_id': attachment['id'], 'old_attachment_id': bdm['attachment_id'],
            'connection_info': info}
