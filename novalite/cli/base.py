"""What every resource manager of the client shares: paging and name lookup.

The Compute API pages long collections: a response carries at most ``limit`` items
and a ``<collection>_links`` entry with ``rel: next`` whose query holds the marker
for the following page. ``Manager.list_all`` follows those links until a page comes
back without one.

Commands take a resource by name or ID, as novaclient's do. ``Manager.resolve``
tries the ID first when the string could be one, then looks for an exact name match
and refuses an ambiguous name rather than guessing.
"""

import urllib.parse
import uuid

from novalite.cli.exceptions import NotFound, NoUniqueMatch

# A server fleet of a few thousand is a few dozen pages; a loop past this is a
# server that keeps handing out the same marker.
MAX_PAGES = 10000


def is_uuid_like(value):
    """True if ``value`` parses as a UUID (with or without dashes)."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def clean_params(params):
    """Drop unset filters and spell booleans as the API parses them."""
    cleaned = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = 'True' if value else 'False'
        cleaned[key] = value
    return cleaned


class Manager:
    """Base for the per-resource managers that hang off a ``Client``.

    :param client: the ``novalite.cli.client.Client`` that sends the calls.
    """

    #: the resource's name in messages, e.g. ``server``
    kind = 'resource'

    def __init__(self, client):
        self.client = client

    def list_all(self, path, key, params=None, microversion=None):
        """GET ``path`` and every following page; return the items under ``key``.

        :param params: query parameters of the first page; a ``next`` link's query
            replaces them for the following page, as the link already carries the
            filters, the limit and the new marker.
        :raises ClientError: if any page fails.
        """
        items = []
        query = list(clean_params(params).items())
        seen = set()
        for _page in range(MAX_PAGES):
            body = self.client.get(path, params=query or None, microversion=microversion)
            page = body.get(key, []) if body else []
            items.extend(page)
            next_query = self._next_query(body, key)
            # The link's host may be a public name the client cannot reach, so only
            # its query is followed, against the endpoint the client was given.
            if not page or next_query is None or tuple(next_query) in seen:
                break
            seen.add(tuple(next_query))
            query = next_query
        return items

    @staticmethod
    def _next_query(body, key):
        for link in (body or {}).get(f'{key}_links', []) or []:
            if link.get('rel') == 'next' and link.get('href'):
                query = urllib.parse.urlsplit(link['href']).query
                return urllib.parse.parse_qsl(query, keep_blank_values=True)
        return None

    def get(self, resource_id):
        raise NotImplementedError

    def candidates(self, name):
        """The resources that may be named ``name``; subclasses narrow the list."""
        raise NotImplementedError

    @staticmethod
    def name_of(resource):
        return resource.get('name')

    def looks_like_id(self, value):
        return is_uuid_like(value)

    def resolve(self, name_or_id):
        """Return the resource whose ID or exact name is ``name_or_id``.

        :raises NotFound: if nothing has that ID or name.
        :raises NoUniqueMatch: if several resources have that name.
        :raises ClientError: if the API fails while looking.
        """
        if self.looks_like_id(name_or_id):
            try:
                return self.get(name_or_id)
            except NotFound:
                pass
        matches = [r for r in self.candidates(name_or_id)
                   if self.name_of(r) == name_or_id]
        if len(matches) > 1:
            raise NoUniqueMatch(self.kind, name_or_id)
        if matches:
            return matches[0]
        raise NotFound(None, f"No {self.kind} with a name or ID of '{name_or_id}' exists.")

    def resolve_id(self, name_or_id):
        """Like ``resolve`` but return only the ID."""
        return self.resolve(name_or_id)['id']
