"""What the volume steps of live and cold moves share: a server's volumes connected
on the host its guest arrives on, all of them or none."""

from novalite.volume import cinder


class MovingVolumes:
    """Subclasses say which mappings move (``_volumes``), how one is connected here
    (``_connect_one``) and how connections made are undone (``disconnect``)."""

    def __init__(self, driver, conductor, volume_api=None):
        self.driver = driver
        self.conductor = conductor
        self.volume_api = volume_api or cinder.API()

    def connect(self, context, instance):
        """Connect each of the server's moving volumes on this host.

        :returns: what ``_connect_one`` answered for each, in mapping order.
        :raises: whatever a step raised, having undone the others.
        """
        bdms = self._volumes(context, instance)
        if not bdms:
            return []
        connector = self.driver.get_volume_connector(instance)
        done = []
        try:
            for bdm in bdms:
                done.append(self._connect_one(context, instance, bdm, connector))
        except Exception:
            self.disconnect(context, done)
            raise
        return done
