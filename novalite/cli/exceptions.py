"""Errors raised by the compute API client.

Every failure of ``novalite.cli.client.Client`` is a ``ClientError``, so a caller (the
shell, a script) needs one ``except`` to report it. ``status`` tells an HTTP error from
one found on the client side.
"""

import re


class ClientError(Exception):
    """An API call failed.

    :param status: the HTTP status code, or None when the failure was found on the
        client side (a name that matches nothing, an unreachable endpoint).
    :param message: one line saying what went wrong, as the API worded it.
    :param request_id: the ``x-openstack-request-id`` of the failed call, if any.
    """

    def __init__(self, status, message, request_id=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.request_id = request_id

    def __str__(self):
        text = self.message
        if self.status is not None:
            text += f' (HTTP {self.status})'
        if self.request_id:
            text += f' (Request-ID: {self.request_id})'
        return text


class NotFound(ClientError):
    """The resource does not exist: an HTTP 404, or a name that matches nothing."""


class NoUniqueMatch(ClientError):
    """A name matches more than one resource; the caller must use an ID."""

    def __init__(self, kind, name):
        super().__init__(
            None, f"Multiple {kind}s match '{name}'; use an ID to be more specific.")


class CommunicationError(ClientError):
    """The endpoint could not be reached, or did not answer in time."""

    def __init__(self, url, reason):
        super().__init__(None, f'cannot reach the compute API at {url}: {reason}')
        self.url = url
        self.reason = reason


def fault_message(body, default):
    """Pull the human message out of an error response body.

    Nova wraps faults as ``{"itemNotFound": {"code": 404, "message": "..."}}``;
    placement-style errors are ``{"errors": [{"detail": "..."}]}``; a proxy in front
    may answer with plain text or HTML. The result is always a single line.
    """
    message = None
    if isinstance(body, dict):
        if isinstance(body.get('errors'), list) and body['errors']:
            first = body['errors'][0]
            if isinstance(first, dict):
                message = first.get('detail') or first.get('title')
        else:
            for value in body.values():
                if isinstance(value, dict) and 'message' in value:
                    message = value['message']
                    break
            else:
                message = body.get('message') or body.get('detail')
    elif isinstance(body, str) and body.strip():
        message = re.sub(r'<[^>]+>', ' ', body)
    return ' '.join(str(message or default).split())
