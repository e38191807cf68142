"""Host aggregates: ``/os-aggregates`` (administrators), and the availability zones."""

from novalite.cli import base

CACHE_IMAGES_VERSION = '2.81'


class AggregateManager(base.Manager):
    kind = 'aggregate'

    def list(self):
        return self.client.get('/os-aggregates')['aggregates']

    def get(self, aggregate_id):
        return self.client.get(f'/os-aggregates/{aggregate_id}')['aggregate']

    def looks_like_id(self, value):
        return str(value).isdigit()

    def candidates(self, name):
        return self.list()

    def create(self, name, availability_zone=None):
        body = {'name': name, 'availability_zone': availability_zone}
        return self.client.post('/os-aggregates', {'aggregate': body})['aggregate']

    def update(self, aggregate_id, name=None, availability_zone=None):
        body = base.clean_params({'name': name, 'availability_zone': availability_zone})
        return self.client.put(f'/os-aggregates/{aggregate_id}',
                               {'aggregate': body})['aggregate']

    def delete(self, aggregate_id):
        self.client.delete(f'/os-aggregates/{aggregate_id}')

    def _action(self, aggregate_id, action, info):
        return self.client.post(f'/os-aggregates/{aggregate_id}/action',
                                {action: info})['aggregate']

    def add_host(self, aggregate_id, host):
        return self._action(aggregate_id, 'add_host', {'host': host})

    def remove_host(self, aggregate_id, host):
        return self._action(aggregate_id, 'remove_host', {'host': host})

    def set_metadata(self, aggregate_id, metadata):
        """Set keys to values; a value of None removes the key."""
        return self._action(aggregate_id, 'set_metadata', {'metadata': metadata})

    def cache_images(self, aggregate_id, image_ids):
        """Have the aggregate's hosts pre-cache the images (sent at 2.81, which added it)."""
        self.client.post(f'/os-aggregates/{aggregate_id}/images',
                         {'cache': [{'id': image_id} for image_id in image_ids]},
                         microversion=CACHE_IMAGES_VERSION)


class AvailabilityZoneManager(base.Manager):
    kind = 'availability zone'

    def list(self, detailed=False):
        path = '/os-availability-zone/detail' if detailed else '/os-availability-zone'
        return self.client.get(path)['availabilityZoneInfo']
