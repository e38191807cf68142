"""Console auth tokens: created by the API for a console URL, checked by the proxies.

A token is random (``secrets.token_urlsafe``); the table keeps its sha256.
A token is valid until its ``expires`` time; expired ones are deleted when
the next token of the same server is made, and all of a server's go with it.
"""

import hashlib
import secrets
import time

from novalite import exception
from novalite.db import engine, models

_TOKEN = models.ConsoleAuthToken


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(instance_uuid, console_type, host, port, ttl, access_url_base=None,
                 internal_access_path=None):
    """Store a new token for ``host:port`` valid for ``ttl`` seconds.

    :returns: the row's values plus ``token``, the only time it is seen in clear.
    """
    token = secrets.token_urlsafe(24)
    now = int(time.time())
    with engine.writer() as session:
        session.query(_TOKEN).filter(_TOKEN.instance_uuid == instance_uuid,
                                     _TOKEN.expires <= now).delete()
        row = _TOKEN(token_hash=_hash(token), console_type=console_type, host=host,
                     port=int(port), instance_uuid=instance_uuid, expires=now + int(ttl),
                     access_url_base=access_url_base,
                     internal_access_path=internal_access_path)
        session.add(row)
        session.flush()
        return dict(row.as_dict(), token=token)


def token_validate(token, now=None):
    """The row of an unexpired ``token``.

    :raises InvalidToken: unknown or expired.
    """
    now = int(time.time()) if now is None else now
    with engine.reader() as session:
        row = session.query(_TOKEN).filter_by(token_hash=_hash(token or '')).one_or_none()
        if row is None or row.expires <= now:
            raise exception.InvalidToken(token='***')
        return row.as_dict()


def tokens_destroy_for_instance(instance_uuid):
    with engine.writer() as session:
        session.query(_TOKEN).filter_by(instance_uuid=instance_uuid).delete()
