"""A server's metadata (``/servers/{id}/metadata``) and tags (``/servers/{id}/tags``, 2.26)."""

from novalite.cli import base

_TAGS_VERSION = (2, 26)


class ServerPropertyManager(base.Manager):
    kind = 'server'

    def metadata(self, server_id):
        return self.client.get(f'/servers/{server_id}/metadata')['metadata']

    def set_metadata(self, server_id, metadata):
        """Add or replace the keys of ``metadata``; the others stay."""
        return self.client.post(f'/servers/{server_id}/metadata',
                                {'metadata': metadata})['metadata']

    def delete_metadata(self, server_id, key):
        self.client.delete(f'/servers/{server_id}/metadata/{key}')

    def _tags_version(self):
        return '%d.%d' % max(_TAGS_VERSION, self.client.api_version)

    def tags(self, server_id):
        return self.client.get(f'/servers/{server_id}/tags',
                               microversion=self._tags_version())['tags']

    def add_tag(self, server_id, tag):
        self.client.put(f'/servers/{server_id}/tags/{tag}', microversion=self._tags_version())

    def delete_tag(self, server_id, tag):
        self.client.delete(f'/servers/{server_id}/tags/{tag}',
                           microversion=self._tags_version())

    def set_tags(self, server_id, tags):
        """Replace every tag of the server with ``tags`` (an empty list removes them all)."""
        return self.client.put(f'/servers/{server_id}/tags', {'tags': list(tags)},
                               microversion=self._tags_version())['tags']
