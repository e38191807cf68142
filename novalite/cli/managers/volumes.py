"""Volumes: the Block Storage API v3 (novalite-volume or Cinder) and a server's attachments.

Volumes live at the volume endpoint (``Client.volume_endpoint``); attaching
and detaching are the compute API's ``/servers/{id}/os-volume_attachments``.
"""

from novalite.cli import base


class VolumeManager(base.Manager):
    kind = 'volume'

    def _url(self, path):
        return self.client.volume_endpoint + path

    def list(self):
        return self.client.get('', url=self._url('/volumes/detail'))['volumes']

    def get(self, volume_id):
        return self.client.get('', url=self._url(f'/volumes/{volume_id}'))['volume']

    def candidates(self, name):
        return self.list()

    def create(self, size, name=None, image=None):
        body = {'size': size, 'name': name}
        if image:
            body['imageRef'] = image
        return self.client.post('', {'volume': body}, url=self._url('/volumes'))['volume']

    def delete(self, volume_id):
        self.client.delete('', url=self._url(f'/volumes/{volume_id}'))

    def attach(self, server_id, volume_id, device=None):
        body = {'volumeId': volume_id}
        if device:
            body['device'] = device
        return self.client.post(f'/servers/{server_id}/os-volume_attachments',
                                {'volumeAttachment': body})['volumeAttachment']

    def detach(self, server_id, volume_id):
        self.client.delete(f'/servers/{server_id}/os-volume_attachments/{volume_id}')
