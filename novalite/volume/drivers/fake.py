"""A volume driver that stores nothing, for the all-in-one and scale runs.

Volumes are only rows: they get a made-up target and CHAP credentials so
that the attach path runs end to end against the fake virt driver.
Snapshots are only rows too: a volume made from one is as empty as any.
"""

from novalite.volume import drivers


class FakeDriver:
    def __init__(self, conf):
        self.conf = conf

    def create_volume(self, volume):
        pass

    def create_volume_from_image(self, volume, image_service, image):
        pass

    def reimage(self, volume, image_service, image):
        pass

    def create_snapshot(self, snapshot, volume):
        pass

    def create_volume_from_snapshot(self, volume, snapshot):
        pass

    def delete_snapshot(self, snapshot):
        pass

    def delete_volume(self, volume):
        pass

    def extend_volume(self, volume, new_size):
        pass

    def create_export(self, volume):
        username, password = drivers.new_chap_credentials(volume)
        iqn = drivers.target_iqn(self.conf, volume)
        return {'provider_location': drivers.provider_location(self.conf, 1, iqn),
                'provider_auth': f'CHAP {username} {password}'}

    def ensure_export(self, volume):
        pass

    def remove_export(self, volume):
        pass
