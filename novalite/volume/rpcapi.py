"""Client side of the volume service's RPC interface.

Messages go to ``volume.<host>``, the storage host that owns the volume
(``volume['host']``) or the snapshot (``snapshot['host']``, its volume's).

Version history:

* 1.0 - Initial version: create_volume, delete_volume, extend_volume.
* 1.1 - Snapshots: create_snapshot, delete_snapshot; create_volume takes
  snapshot_id (a volume made from a snapshot).
* 1.2 - reimage (os-reimage: an image written over a volume's data).
"""

from novalite import exception, rpc
from novalite.conf import CONF

TOPIC = 'volume'


class VolumeAPI:
    VERSION = '1.2'

    def __init__(self):
        self.client = rpc.get_client(TOPIC, self.VERSION,
                                     version_cap=CONF.upgrade_levels.volume)

    def _snapshots(self, server):
        """A context for snapshot messages. :raises Invalid: the service is capped at 1.0."""
        if not self.client.can_send_version('1.1'):
            raise exception.Invalid("Snapshots are not supported until every volume "
                                    "service is upgraded ([upgrade_levels] volume)")
        return self.client.prepare(server=server, version='1.1')

    def create_volume(self, context, volume, image_id=None, snapshot_id=None):
        """Create the storage of a volume in ``creating``, from ``image_id`` or
        ``snapshot_id`` if given."""
        if snapshot_id:
            self._snapshots(volume['host']).cast(context, 'create_volume',
                                                 volume_id=volume['uuid'],
                                                 image_id=image_id, snapshot_id=snapshot_id)
            return
        self.client.prepare(server=volume['host'], version='1.0').cast(
            context, 'create_volume', volume_id=volume['uuid'], image_id=image_id)

    def delete_volume(self, context, volume):
        """Remove the export and storage of a volume in ``deleting``, then its row."""
        self.client.prepare(server=volume['host'], version='1.0').cast(
            context, 'delete_volume', volume_id=volume['uuid'])

    def extend_volume(self, context, volume, new_size):
        """Grow a volume in ``extending`` to ``new_size`` GiB."""
        self.client.prepare(server=volume['host'], version='1.0').cast(
            context, 'extend_volume', volume_id=volume['uuid'], new_size=new_size)

    def create_snapshot(self, context, snapshot):
        """Copy the volume of a snapshot in ``creating``."""
        self._snapshots(snapshot['host']).cast(context, 'create_snapshot',
                                               snapshot_id=snapshot['uuid'])

    def delete_snapshot(self, context, snapshot):
        """Remove the copy of a snapshot in ``deleting``, then its row."""
        self._snapshots(snapshot['host']).cast(context, 'delete_snapshot',
                                               snapshot_id=snapshot['uuid'])

    def can_reimage(self):
        """True unless the storage hosts are capped below 1.2."""
        return self.client.can_send_version('1.2')

    def reimage(self, context, volume, image_id, previous_status):
        """Write ``image_id`` over the data of a volume in ``downloading``; it goes back
        to ``previous_status`` once written (check :meth:`can_reimage` first)."""
        self.client.prepare(server=volume['host'], version='1.2').cast(
            context, 'reimage', volume_id=volume['uuid'], image_id=image_id,
            previous_status=previous_status)
