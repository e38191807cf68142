"""Client side of the volume service's RPC interface.

Messages go to ``volume.<host>``, the storage host that owns the volume
(``volume['host']``), or to the shared ``volume`` queue for a new one.

Version history:

* 1.0 - Initial version: create_volume, delete_volume, extend_volume.
"""

from novalite import rpc
from novalite.conf import CONF

TOPIC = 'volume'


class VolumeAPI:
    VERSION = '1.0'

    def __init__(self):
        self.client = rpc.get_client(TOPIC, '1.0', version_cap=CONF.upgrade_levels.volume)

    def create_volume(self, context, volume, image_id=None):
        """Create the storage of a volume in ``creating`` (from ``image_id`` if given)."""
        self.client.prepare(server=volume['host']).cast(
            context, 'create_volume', volume_id=volume['uuid'], image_id=image_id)

    def delete_volume(self, context, volume):
        """Remove the export and storage of a volume in ``deleting``, then its row."""
        self.client.prepare(server=volume['host']).cast(context, 'delete_volume',
                                                        volume_id=volume['uuid'])

    def extend_volume(self, context, volume, new_size):
        """Grow a volume in ``extending`` to ``new_size`` GiB."""
        self.client.prepare(server=volume['host']).cast(
            context, 'extend_volume', volume_id=volume['uuid'], new_size=new_size)
