"""Images through the compute API's image proxy, ``/images``.

Nova deprecated the proxy at microversion 2.36 (it answers 404 from then on), so
these calls send at most 2.35 whatever the client's own microversion is.
"""

from novalite.cli import base

PROXY_MAX_VERSION = (2, 35)


class ImageManager(base.Manager):
    kind = 'image'

    def _version(self):
        return '%d.%d' % min(self.client.api_version, PROXY_MAX_VERSION)

    def list(self, detailed=True, **filters):
        """Images, following pagination; ``filters`` as the API names them
        (``name``, ``status``, ``server``, ``type``, ...)."""
        path = '/images/detail' if detailed else '/images'
        return self.list_all(path, 'images', filters, microversion=self._version())

    def get(self, image_id):
        return self.client.get(f'/images/{image_id}', microversion=self._version())['image']

    def candidates(self, name):
        narrowed = self.list(detailed=False, name=name)
        if any(i.get('name') == name for i in narrowed):
            return narrowed
        return self.list(detailed=False)
