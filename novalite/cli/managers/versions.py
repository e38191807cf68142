"""API versions: the document at the endpoint's root, listing v2.0 and v2.1.

For v2.1 it gives the range of microversions the server accepts (``min_version``
to ``version``).
"""

from novalite.cli import base


class VersionManager(base.Manager):
    kind = 'version'

    def list(self):
        """The API versions the server offers, each with its microversion range."""
        url = self.client.root_url + '/'
        return self.client.request('GET', '', url=url)['versions']
